// SPDX-License-Identifier: MIT
/* Launch measurement of the paravisor VM image and configuration. */
#define _GNU_SOURCE
#include "launch.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fileio.h"
#include "log.h"
#include "mantle_bytes.h"
#include "mantle_pv_status.h"

/* Far above the real image (~10 MiB kernel, a few MiB initramfs). */
#define PV_MAX_FILE (512ULL * 1024 * 1024)

_Static_assert(PV_CONFIG_SIZE == 4 + 4 + 8 + 4 + 4, "config record size");

void pv_config_for(struct pv_config *c, uint64_t guest_mem,
		   enum mantle_accel accel, unsigned int pv_cpus)
{
	c->vcpus = accel == ACCEL_KVM ? PV_VCPUS_KVM : PV_VCPUS_TCG;
	if (pv_cpus)
		c->vcpus = pv_cpus;
	c->mem_bytes = guest_mem + PV_MEM_OVERHEAD;
	c->vmgs_key_measurement = 0;
	c->tpm = MANTLE_TPM_CRB;
	c->stall_timeout_s = 0;
	pv_config_cmdline(c);
}

void pv_config_cmdline(struct pv_config *c)
{
	static const char *const tpm_word[MANTLE_TPM_KINDS] = {
		[MANTLE_TPM_CRB] = "",
		[MANTLE_TPM_TIS] = PV_CMDLINE_TPM_TIS,
		[MANTLE_TPM_NONE] = PV_CMDLINE_TPM_NONE,
	};
	int n = snprintf(
		c->cmdline, sizeof(c->cmdline), "%s%s",
		c->vmgs_key_measurement ? PV_CMDLINE_VMGS_MEASURED : PV_CMDLINE,
		tpm_word[c->tpm < MANTLE_TPM_KINDS ? c->tpm : MANTLE_TPM_CRB]);

	if (c->stall_timeout_s && c->stall_timeout_s != PV_STALL_TIMEOUT_S)
		snprintf(c->cmdline + n, sizeof(c->cmdline) - (size_t)n,
			 PV_CMDLINE_STALL "%u", c->stall_timeout_s);
}

void pv_config_for_opts(struct pv_config *c, const struct mantle_opts *o)
{
	pv_config_for(c, o->mem_bytes, o->accel, o->pv_cpus);
	c->vmgs_key_measurement = o->vmgs_key_measurement;
	c->tpm = o->tpm;
	c->stall_timeout_s = o->stall_timeout_s;
	pv_config_cmdline(c);
}

void pv_config_encode(const struct pv_config *c, uint8_t out[PV_CONFIG_SIZE])
{
	memset(out, 0, PV_CONFIG_SIZE);
	put_le32(out + 0, PV_CONFIG_VERSION);
	put_le32(out + 4, c->vcpus);
	put_le64(out + 8, c->mem_bytes);
	/* out + 16: flags, out + 20: reserved, both 0 */
}

/* The image directory: --paravisor-image, else ../paravisor next to the
 * directory of the mantle binary (build/bin/mantle -> build/paravisor). */
int pv_image_dir(const struct mantle_opts *o, char *out, size_t size)
{
	char exe[PATH_MAX];

	if (o->pv_image) {
		if (strlen(o->pv_image) >= size)
			return -1;
		snprintf(out, size, "%s", o->pv_image);
		return 0;
	}
	if (fio_exe_dir(exe, sizeof(exe)) < 0)
		return -1;
	if ((size_t)snprintf(out, size, "%s/../paravisor", exe) >= size)
		return -1;
	return 0;
}

int pv_image_paths(const char *dir, char *kernel, char *initrd, size_t size)
{
	int a = snprintf(kernel, size, "%s/vmlinuz", dir);
	int b = snprintf(initrd, size, "%s/initramfs.cpio.gz", dir);

	if (a < 0 || b < 0 || (size_t)a >= size || (size_t)b >= size) {
		mantle_err("paravisor image path too long\n");
		return -1;
	}
	return 0;
}

int measure_file(const struct measure_dest *to, uint32_t type, const char *path,
		 const char *what, uint64_t max)
{
	const uint8_t *buf;
	size_t len;
	int ret;

	if (fio_map_file(path, what, max, &buf, &len))
		return -1;
	if (!len && to->refuse_empty) {
		mantle_err("%s %s: empty file\n", what, path);
		return -1;
	}
	ret = to->launch ? measure_launch_extend(to->launch, type, buf, len) :
			   measure_log_add(to->log, type, buf, len);
	fio_unmap(buf, len);
	if (ret)
		mantle_err("hashing %s failed\n", path);
	return ret;
}

int pv_launch_measure(const char *dir, const struct pv_config *c,
		      struct measure_launch *m)
{
	char kernel[4096], initrd[4096];
	uint8_t rec[PV_CONFIG_SIZE];
	const struct measure_dest to = { .launch = m };

	if (pv_image_paths(dir, kernel, initrd, sizeof(kernel)))
		return -1;
	pv_config_encode(c, rec);
	measure_launch_init(m);
	if (measure_file(&to, MEASURE_LAUNCH_KERNEL, kernel,
			 "paravisor VM kernel", PV_MAX_FILE) ||
	    measure_file(&to, MEASURE_LAUNCH_INITRD, initrd,
			 "paravisor VM initramfs", PV_MAX_FILE) ||
	    measure_launch_extend(m, MEASURE_LAUNCH_CMDLINE, pv_cmdline(c),
				  strlen(pv_cmdline(c))) ||
	    measure_launch_extend(m, MEASURE_LAUNCH_CONFIG, rec, sizeof(rec)))
		return -1;
	return 0;
}
