// SPDX-License-Identifier: MIT
/* libFuzzer: the bzImage setup header parser, and the boot plan built from
 * what it accepts. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "boot.h"
#include "bzimage.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bzimage_info bz;
	struct boot_plan plan;
	uint64_t initrd = 0, low_end = 256ull << 20;
	char err[256];

	if (bzimage_parse(data, size, &bz, err, sizeof(err)) != 0)
		return 0;
	if (bz.kernel_off + bz.kernel_size != size || bz.hdr_end > size)
		abort();
	/* The last bytes steer the initrd size and the memory size. */
	memcpy(&initrd, data + size - 8, 8);
	initrd &= (1ull << 30) - 1;
	low_end <<= data[size - 9] & 3;
	if (boot_plan(&bz, low_end, initrd, data[size - 10], &plan, err,
		      sizeof(err)) != 0)
		return 0;
	if (plan.kernel_end > low_end ||
	    (initrd &&
	     (plan.initrd_gpa < plan.kernel_end ||
	      plan.initrd_gpa + initrd > low_end || plan.initrd_gpa % 4096)))
		abort();
	return 0;
}
