// SPDX-License-Identifier: MIT
/* The keyboard controller's reset command (the kernel's fallback reboot
 * path); nothing else of the i8042 exists. */
#include "devices.h"
#include "log.h"

#include <string.h>

static void i8042_read(void *priv, uint16_t off, uint8_t *data,
		       unsigned int size)
{
	(void)priv;
	(void)off;
	memset(data, 0, size); /* status: input and output buffers empty */
}

static void i8042_write(void *priv, uint16_t off, const uint8_t *data,
			unsigned int size)
{
	struct pm *pm = priv;

	(void)off;
	(void)size;
	if (data[0] == I8042_CMD_RESET) {
		pv_log("guest reset (keyboard controller)");
		pm->request(pm->ctx, PM_RESET);
	}
}

const struct io_ops i8042_io_ops = {
	.name = "i8042-reset",
	.base = I8042_CMD_PORT,
	.len = 1,
	.read = i8042_read,
	.write = i8042_write,
};
