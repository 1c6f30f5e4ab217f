// SPDX-License-Identifier: MIT
/* The ACPI power-management registers of the hardware-reduced FADT. */
#include "acpi.h"
#include "devices.h"
#include "log.h"

#include <string.h>

static void pm_read(void *priv, uint16_t off, uint8_t *data, unsigned int size)
{
	(void)priv;
	(void)off;
	/* Sleep status: WAK_STS never set, as the guest never wakes. */
	memset(data, 0, size);
}

static void pm_write(void *priv, uint16_t off, const uint8_t *data,
		     unsigned int size)
{
	struct pm *pm = priv;
	uint8_t v = data[0];

	(void)size;
	switch (ACPI_PM_SLEEP_CONTROL_PORT + off) {
	case ACPI_PM_SLEEP_CONTROL_PORT:
		if (!(v & ACPI_SLP_EN))
			break;
		if (((v & ACPI_SLP_TYP_MASK) >> ACPI_SLP_TYP_SHIFT) ==
		    ACPI_S5_SLP_TYP) {
			pv_log("guest power-off (ACPI S5)");
			pm->request(pm->ctx, PM_POWEROFF);
		} else {
			pv_log("guest asked for unsupported sleep type %u",
			       (v & ACPI_SLP_TYP_MASK) >> ACPI_SLP_TYP_SHIFT);
		}
		break;
	case ACPI_PM_RESET_PORT:
		if (v == ACPI_PM_RESET_VALUE) {
			pv_log("guest reset (ACPI reset register)");
			pm->request(pm->ctx, PM_RESET);
		}
		break;
	default:
		break;
	}
}

const struct io_ops pm_io_ops = {
	.name = "acpi-pm",
	.base = ACPI_PM_SLEEP_CONTROL_PORT,
	.len = ACPI_PM_PORTS,
	.read = pm_read,
	.write = pm_write,
};
