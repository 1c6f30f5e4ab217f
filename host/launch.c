// SPDX-License-Identifier: MIT
/* Launch measurement of the paravisor VM image and configuration. */
#include "launch.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fileio.h"
#include "le.h"

/* Far above the real image (~10 MiB kernel, a few MiB initramfs). */
#define PV_MAX_FILE (512ULL * 1024 * 1024)

_Static_assert(PV_CONFIG_SIZE == 4 + 4 + 8 + 4 + 4, "config record size");

void pv_config_for(struct pv_config *c, uint64_t guest_mem,
		   enum mantle_accel accel)
{
	c->vcpus = accel == ACCEL_KVM ? PV_VCPUS_KVM : PV_VCPUS_TCG;
	c->mem_bytes = guest_mem + PV_MEM_OVERHEAD;
}

void pv_config_encode(const struct pv_config *c, uint8_t out[PV_CONFIG_SIZE])
{
	memset(out, 0, PV_CONFIG_SIZE);
	put_le32(out + 0, PV_CONFIG_VERSION);
	put_le32(out + 4, c->vcpus);
	put_le64(out + 8, c->mem_bytes);
	/* out + 16: flags, out + 20: reserved, both 0 */
}

int pv_image_paths(const char *dir, char *kernel, char *initrd, size_t size)
{
	int a = snprintf(kernel, size, "%s/vmlinuz", dir);
	int b = snprintf(initrd, size, "%s/initramfs.cpio.gz", dir);

	if (a < 0 || b < 0 || (size_t)a >= size || (size_t)b >= size) {
		fprintf(stderr, "mantle: paravisor image path too long\n");
		return -1;
	}
	return 0;
}

static int extend_file(struct measure_launch *m, uint32_t type,
		       const char *path, const char *what)
{
	const uint8_t *buf;
	size_t len;
	int ret;

	if (fio_map_file(path, what, PV_MAX_FILE, &buf, &len))
		return -1;
	ret = measure_launch_extend(m, type, buf, len);
	fio_unmap(buf, len);
	if (ret)
		fprintf(stderr, "mantle: hashing %s failed\n", path);
	return ret;
}

int pv_launch_measure(const char *dir, const struct pv_config *c,
		      struct measure_launch *m)
{
	char kernel[4096], initrd[4096];
	uint8_t rec[PV_CONFIG_SIZE];

	if (pv_image_paths(dir, kernel, initrd, sizeof(kernel)))
		return -1;
	pv_config_encode(c, rec);
	measure_launch_init(m);
	if (extend_file(m, MEASURE_LAUNCH_KERNEL, kernel,
			"paravisor VM kernel") ||
	    extend_file(m, MEASURE_LAUNCH_INITRD, initrd,
			"paravisor VM initramfs") ||
	    measure_launch_extend(m, MEASURE_LAUNCH_CMDLINE, PV_CMDLINE,
				  strlen(PV_CMDLINE)) ||
	    measure_launch_extend(m, MEASURE_LAUNCH_CONFIG, rec, sizeof(rec)))
		return -1;
	return 0;
}
