// SPDX-License-Identifier: MIT
/*
 * LAUNCH (SPEC.md §2.1): what SNP_LAUNCH_START/UPDATE/FINISH do for the
 * PSP, done for the simulated chip. The request is hostile (the host sent
 * it): every length is checked, and the image is measured by the
 * simulator itself (paravisor/MEASUREMENT.md level 1, the same code as
 * `mantle measure`). Then four fresh VMPCKs and the secrets page.
 *
 * On `nested` the secrets page goes back to the untrusted host, which
 * hands it to the paravisor VM: the host knows every VMPCK. On hardware
 * the PSP writes the page into encrypted guest memory and the host never
 * sees it.
 */
#define _GNU_SOURCE
#include "sp.h"

#include <errno.h>
#include <stdio.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <openssl/rand.h>

#include "mantle_bytes.h"
#include "measure.h"
#include "sp_platform.h"

#define SP_MAX_CMDLINE 4096u

struct launch_req {
	uint64_t policy;
	const uint8_t *host_data, *config;
	char kernel[SP_MAX_PATH + 1], initrd[SP_MAX_PATH + 1];
	char cmdline[SP_MAX_CMDLINE + 1];
	size_t cmdline_len;
};

int sp_read_file(void *arg, const char *path, uint64_t max, uint8_t **buf,
		 size_t *len)
{
	struct stat st;
	/* O_NONBLOCK: a FIFO the host names must not hang the simulator; it
	 * is then refused as not a regular file. */
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	size_t got = 0;

	(void)arg;
	*buf = NULL;
	if (fd < 0 || fstat(fd, &st) || !S_ISREG(st.st_mode) ||
	    (uint64_t)st.st_size > max) {
		sp_log("image file %s: %s", path,
		       fd < 0 ? strerror(errno) :
				"not a regular file of at most 512 MiB");
		goto fail;
	}
	*buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	while (*buf && got < (size_t)st.st_size) {
		ssize_t n = read(fd, *buf + got, (size_t)st.st_size - got);

		if (n <= 0) {
			sp_log("image file %s: read failed", path);
			goto fail;
		}
		got += (size_t)n;
	}
	if (!*buf)
		goto fail;
	*len = got;
	close(fd);
	return 0;
fail:
	free(*buf);
	*buf = NULL;
	if (fd >= 0)
		close(fd);
	return -1;
}

/* le16 length + bytes, no NUL inside, at most max bytes. */
static int take_string(struct cursor *c, char *out, size_t max, size_t *len)
{
	size_t n = cur_le16(c);
	const uint8_t *p = cur_take(c, n);

	if (!p || n > max || memchr(p, 0, n))
		return -1;
	memcpy(out, p, n);
	out[n] = 0;
	if (len)
		*len = n;
	return 0;
}

static int policy_ok(uint64_t p)
{
	unsigned int major = (p >> 8) & 0xff, minor = p & 0xff;

	return !(p & ~SP_POLICY_DEFINED) && (p & SNP_POLICY_RSVD1) &&
	       (major < SP_FW_MAJOR ||
		(major == SP_FW_MAJOR && minor <= SP_FW_MINOR));
}

/* The configuration record, version 1 (MEASUREMENT.md): flags and
 * reserved zero. */
static int config_ok(const uint8_t *rec)
{
	return get_le32(rec) == 1 && get_le32(rec + 16) == 0 &&
	       get_le32(rec + 20) == 0;
}

static int parse(const uint8_t *req, size_t len, struct launch_req *r)
{
	struct cursor c = cur_init(req, len);

	r->policy = cur_le64(&c);
	r->host_data = cur_take(&c, SP_HOST_DATA_LEN);
	r->config = cur_take(&c, SP_LAUNCH_CONFIG_LEN);
	if (!cur_ok(&c) || take_string(&c, r->kernel, SP_MAX_PATH, NULL) ||
	    take_string(&c, r->initrd, SP_MAX_PATH, NULL) ||
	    take_string(&c, r->cmdline, SP_MAX_CMDLINE, &r->cmdline_len) ||
	    !cur_ok(&c) || cur_left(&c)) {
		sp_log("LAUNCH: request malformed (lengths do not add up)");
		return -1;
	}
	if (!policy_ok(r->policy) || !config_ok(r->config) || !r->kernel[0] ||
	    !r->initrd[0]) {
		sp_log("LAUNCH: policy 0x%llx, configuration record or image "
		       "path refused",
		       (unsigned long long)r->policy);
		return -1;
	}
	return 0;
}

static int measure_file(const struct sp_reader *rd, struct measure_launch *m,
			uint32_t type, const char *path)
{
	uint8_t *buf = NULL;
	size_t len = 0;
	int rc;

	if (rd->read(rd->arg, path, SP_MAX_IMAGE_FILE, &buf, &len))
		return -1;
	rc = measure_launch_extend(m, type, buf, len);
	free(buf);
	return rc;
}

/* The launch measurement, in MEASUREMENT.md's record order. */
static int measure(const struct sp_reader *rd, const struct launch_req *r,
		   uint8_t out[SNP_MEASUREMENT_LEN])
{
	struct measure_launch m;

	measure_launch_init(&m);
	if (measure_file(rd, &m, MEASURE_LAUNCH_KERNEL, r->kernel) ||
	    measure_file(rd, &m, MEASURE_LAUNCH_INITRD, r->initrd) ||
	    measure_launch_extend(&m, MEASURE_LAUNCH_CMDLINE, r->cmdline,
				  r->cmdline_len) ||
	    measure_launch_extend(&m, MEASURE_LAUNCH_CONFIG, r->config,
				  SP_LAUNCH_CONFIG_LEN))
		return -1;
	memcpy(out, m.digest, SNP_MEASUREMENT_LEN);
	return 0;
}

static void secrets_page(const struct sp_vm *vm, uint8_t *page)
{
	memset(page, 0, SNP_SECRETS_SIZE);
	put_le32(page + SNP_SECRETS_VERSION_OFF, SNP_SECRETS_VERSION);
	put_le32(page + SNP_SECRETS_FMS_OFF, SP_CPUID_FMS);
	for (unsigned int i = 0; i < SNP_VMPCK_COUNT; i++)
		memcpy(page + SNP_SECRETS_VMPCK_OFF(i), vm->vmpck[i],
		       SNP_VMPCK_LEN);
	/* The OS area's message counters start at zero. */
}

/* "MEASURE launch=<hex>", the line `mantle run` logs for the same image. */
static void log_launch(const struct sp_vm *vm)
{
	char hex[2 * SNP_MEASUREMENT_LEN + 1];

	for (unsigned int i = 0; i < SNP_MEASUREMENT_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", vm->measurement[i]);
	sp_log("LAUNCH: policy 0x%llx, VMPCK0..3 made; MEASURE launch=%s",
	       (unsigned long long)vm->policy, hex);
}

enum sp_ipc_status sp_launch(struct sp_vm *vm, const struct sp_reader *rd,
			     const uint8_t *req, size_t len,
			     uint8_t reply[SP_LAUNCH_REPLY_SIZE])
{
	struct launch_req *r;
	enum sp_ipc_status st = SP_ST_MALFORMED;

	if (vm->launched) {
		sp_log("LAUNCH: refused, this simulator already launched a VM");
		return SP_ST_LAUNCHED;
	}
	r = calloc(1, sizeof(*r));
	if (!r)
		return SP_ST_INTERNAL;
	if (parse(req, len, r))
		goto out;
	st = SP_ST_IMAGE;
	if (measure(rd, r, vm->measurement))
		goto out;
	st = SP_ST_INTERNAL;
	vm->policy = r->policy;
	memcpy(vm->host_data, r->host_data, SP_HOST_DATA_LEN);
	if (RAND_priv_bytes(&vm->vmpck[0][0], sizeof(vm->vmpck)) != 1 ||
	    RAND_priv_bytes(vm->vmrk, sizeof(vm->vmrk)) != 1 ||
	    RAND_bytes(vm->report_id, sizeof(vm->report_id)) != 1)
		goto out;
	memset(vm->seqno, 0, sizeof(vm->seqno));
	memcpy(reply, vm->measurement, SNP_MEASUREMENT_LEN);
	secrets_page(vm, reply + SNP_MEASUREMENT_LEN);
	vm->launched = 1;
	st = SP_ST_OK;
	log_launch(vm);
out:
	free(r);
	return st;
}
