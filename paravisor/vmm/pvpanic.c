// SPDX-License-Identifier: MIT
/*
 * The guest's panic notification: the one-byte pvpanic port that Linux's
 * pvpanic driver finds through the DSDT (_HID "QEMU0001", acpi.c). A guest
 * kernel that panics writes PVPANIC_PANICKED there, and the boot ends with
 * the guest-panic outcome at once: without it a panicked guest (panic=0)
 * spins for ever and only an outer timeout would end the run (issue 11).
 *
 * Reads return the events this device understands. CRASH_LOADED (a kdump
 * kernel takes over) is accepted and only logged: the guest goes on.
 */
#include "devices.h"
#include "log.h"

#include <string.h>

/* The DSDT (acpi.c, pvpanic_res) describes exactly this port. */
_Static_assert(PVPANIC_PORT == 0x505, "update acpi.c's pvpanic_res");

static void pvpanic_read(void *priv, uint16_t off, uint8_t *data,
			 unsigned int size)
{
	(void)priv;
	(void)off;
	memset(data, 0, size);
	data[0] = PVPANIC_EVENTS;
}

static void pvpanic_write(void *priv, uint16_t off, const uint8_t *data,
			  unsigned int size)
{
	struct pm *pm = priv;

	(void)off;
	(void)size;
	if (data[0] & PVPANIC_PANICKED) {
		pv_log("guest kernel panicked (pvpanic)");
		pm->request(pm->ctx, PM_GUEST_PANIC);
	} else if (data[0] & PVPANIC_CRASH_LOADED) {
		pv_log("guest kernel crashed into its kdump kernel (pvpanic)");
	}
}

const struct io_ops pvpanic_io_ops = {
	.name = "pvpanic",
	.base = PVPANIC_PORT,
	.len = 1,
	.read = pvpanic_read,
	.write = pvpanic_write,
};
