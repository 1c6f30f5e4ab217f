// SPDX-License-Identifier: MIT
/* The mantle-sp unit tests' shared fixture (sp_fixture.h). */
#define _GNU_SOURCE
#include "sp_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <unistd.h>

#include <cmocka.h>

#include "mantle_bytes.h"

static int mem_read(void *arg, const char *path, uint64_t max, uint8_t **buf,
		    size_t *len)
{
	static const struct {
		const char *path, *bytes;
	} files[] = { { "kernel", "KERNEL" }, { "initrd", "INITRAMFS" } };

	(void)arg;
	(void)max;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		if (strcmp(path, files[i].path))
			continue;
		*len = strlen(files[i].bytes);
		*buf = malloc(*len);
		if (!*buf)
			return -1;
		memcpy(*buf, files[i].bytes, *len);
		return 0;
	}
	return -1;
}

const struct sp_reader fx_reader = { mem_read, NULL };

void fx_tmpdir(struct fx *f)
{
	memset(f, 0, sizeof(*f));
	strcpy(f->tmp, "/tmp/mantle-sp-unit.XXXXXX");
	assert_non_null(mkdtemp(f->tmp));
	snprintf(f->state, sizeof(f->state), "%s/state", f->tmp);
	sp_log_quiet(1);
}

void fx_open(struct fx *f)
{
	fx_tmpdir(f);
	assert_int_equal(sp_chip_open(&f->chip, f->state), 0);
	sp_init(&f->sp, &f->chip, &fx_reader);
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path);
}

void fx_rmtree(const char *dir)
{
	nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

void fx_close(struct fx *f)
{
	sp_fini(&f->sp);
	sp_chip_close(&f->chip);
	fx_rmtree(f->tmp);
}

static size_t put_str(uint8_t *p, const char *s)
{
	size_t n = strlen(s);

	put_le16(p, (uint16_t)n);
	memcpy(p + 2, s, n);
	return 2 + n;
}

size_t fx_launch_req(uint8_t *out, uint64_t policy, const char *kernel,
		     const char *initrd, const char *cmdline)
{
	size_t n = SP_LAUNCH_FIXED;

	memset(out, 0, SP_LAUNCH_FIXED);
	put_le64(out + SP_LAUNCH_POLICY_OFF, policy);
	memset(out + SP_LAUNCH_HOST_DATA_OFF, 0x42, SP_HOST_DATA_LEN);
	put_le32(out + SP_LAUNCH_CONFIG_OFF, 1);
	put_le32(out + SP_LAUNCH_CONFIG_OFF + 4, 1);
	put_le64(out + SP_LAUNCH_CONFIG_OFF + 8, 768ull << 20);
	n += put_str(out + n, kernel);
	n += put_str(out + n, initrd);
	n += put_str(out + n, cmdline);
	return n;
}

void fx_launch(struct fx *f)
{
	uint8_t req[512], reply[SP_LAUNCH_REPLY_SIZE];
	size_t n = fx_launch_req(req, SP_DEFAULT_POLICY, "kernel", "initrd",
				 "console=ttyS0 quiet panic=-1");

	assert_int_equal(sp_launch(&f->sp.vm, &fx_reader, req, n, reply),
			 SP_ST_OK);
	memcpy(f->secrets, reply + SNP_MEASUREMENT_LEN, SNP_SECRETS_SIZE);
}

const uint8_t *fx_vmpck(const struct fx *f, unsigned int n)
{
	return f->secrets + SNP_SECRETS_VMPCK_OFF(n);
}

size_t fx_seal(const uint8_t *key, uint64_t seqno, uint8_t type, uint8_t vmpck,
	       const void *payload, uint16_t len, uint8_t *out)
{
	struct snp_msg_meta m = { seqno, type, SNP_MSG_VERSION, vmpck, len };

	assert_int_equal(snp_msg_seal(key, &m, payload, out, SNP_MSG_PAGE_SIZE),
			 SNP_MSG_OK);
	return SNP_MSG_HDR_SIZE + len;
}

void fx_hex(const char *hex, uint8_t *out, size_t n)
{
	assert_int_equal(strlen(hex), 2 * n);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(sscanf(hex + 2 * i, "%2hhx", &out[i]), 1);
}
