// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the paravisor's VMGS open policy (control_vmgs.c) on a
 * hostile VMGS image, served by the real hostif server over a socketpair,
 * optionally with bit flips or short replies. Input: byte 0 picks the
 * fault, bytes 1-8 the seed, the rest is the data part of the VMGS (zero
 * padded), under the key policy of paravisor/vmgs with a fake secure
 * processor. Oracle: an image that is not refused-and-untouched was empty
 * (headers all zero, or a plaintext VMGS with no file but the tables and a
 * key protector) and was provisioned into a VMGS that passes libvmgs's
 * full check, or it opened (unlocked) without a write, or it was empty and
 * the channel failed while it was being provisioned (what a later try
 * opens then passes the check too).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control_vmgs.h"
#include "fake_sp.h"
#include "pair.h"

#define CAPACITY (64u * 1024) /* data part served */
#define FILE_BYTES (CAPACITY + 512u)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];
static uint8_t before[FILE_BYTES], after[FILE_BYTES];

/* A fixed VHD1 of CAPACITY data bytes: its footer is reused each run. */
static void remove_container(void)
{
	unlink(path);
}

static void make_container(void)
{
	struct vmgs_io io;
	struct vmgs *v;
	int fd;

	snprintf(path, sizeof(path), "/tmp/fuzz-ctlvmgs-XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		abort();
	close(fd);
	atexit(remove_container);
	if (vmgs_io_file_create(&io, path, FILE_BYTES) ||
	    vmgs_format(&io, CAPACITY, VMGS_OPEN_WRITE, &v))
		abort();
	vmgs_close(v);
}

static void load(uint8_t *buf)
{
	FILE *f = fopen(path, "rb");

	if (!f || fread(buf, 1, FILE_BYTES, f) != FILE_BYTES)
		abort();
	fclose(f);
}

static void store(const uint8_t *buf)
{
	FILE *f = fopen(path, "r+b");

	if (!f || fwrite(buf, 1, FILE_BYTES, f) != FILE_BYTES)
		abort();
	fclose(f);
}

static int all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* img viewed as libvmgs does: empty as the provisioning rule means it. */
static int view_empty(const uint8_t *img)
{
	struct vmgs_file_info info[VMGS_FILE_COUNT];
	struct vmgs_io io;
	struct vmgs *v;
	int empty = 1;

	if (all_zero(img, 1024))
		return 1;
	if (vmgs_io_mem_new(&io, img, CAPACITY))
		abort();
	if (vmgs_open(&io, VMGS_OPEN_RAW, &v)) {
		vmgs_io_close(&io);
		return 0;
	}
	vmgs_list(v, info);
	for (unsigned i = 1; i < VMGS_FILE_COUNT - 1; i++)
		if (info[i].allocated && i != VMGS_FID_HW_KEY_PROTECTOR)
			empty = 0;
	if (vmgs_is_encrypted(v))
		empty = 0;
	vmgs_close(v);
	return empty;
}

/*
 * The image before was empty, as is or with one header slot damaged: a host
 * that damages reads can show either slot (an older version: a rollback,
 * which a host can always serve).
 */
static int was_empty(void)
{
	static uint8_t img[CAPACITY];

	if (view_empty(before))
		return 1;
	for (unsigned slot = 0; slot < 2; slot++) {
		memcpy(img, before, CAPACITY);
		memset(img + slot * 512, 0xff, 512);
		if (view_empty(img))
			return 1;
	}
	return 0;
}

static void check_clean(void)
{
	struct vmgs_io io;
	struct vmgs_check_result res;

	if (vmgs_io_file_open(&io, path, false))
		abort();
	if (vmgs_check(&io, 0, NULL, NULL, NULL, &res) || res.errors)
		abort();
	vmgs_io_close(&io);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const faults[] = { "", ",vmgs-bitflip=0.5",
					      ",vmgs-short=0.5" };
	struct hostif_client_cfg cfg = { .timeout_ms = 200,
					 .attempts = 2,
					 .features = HOSTIF_F_KNOWN };
	static struct fake_chip chip;
	struct vmgs_key_cfg key = { .sp = &chip.sp };
	struct hostif_client *c;
	struct vmgs *v = NULL;
	struct pair p;
	enum pv_vmgs_result r = PV_VMGS_UNREACHABLE;
	char spec[96], why[512];
	uint64_t seed = 0;
	unsigned fault;

	if (size < 9)
		return 0;
	fake_chip_init(&chip, 1, 1);
	if (!path[0])
		make_container();
	fault = data[0] % 3;
	memcpy(&seed, data + 1, 8);
	snprintf(spec, sizeof(spec), "seed=%llu%s", (unsigned long long)seed,
		 faults[fault]);
	load(before);
	memset(before, 0, CAPACITY);
	memcpy(before, data + 9, size - 9 < CAPACITY ? size - 9 : CAPACITY);
	store(before);

	if (pair_start(&p, path, fault ? spec : NULL, NULL))
		abort();
	if (hostif_client_new(p.pv_fd, &cfg, &c))
		abort();
	if (!hostif_client_hello(c))
		r = pv_vmgs_open(c, &key, &v, why, sizeof(why));
	if ((r == PV_VMGS_OPENED || r == PV_VMGS_PROVISIONED) != (v != NULL))
		abort();
	if (v)
		vmgs_close(v);
	hostif_client_free(c);
	pair_stop(&p);

	load(after);
	if (r == PV_VMGS_PROVISIONED) {
		if (!was_empty())
			abort();
		check_clean();
	} else if (memcmp(before, after, FILE_BYTES)) {
		/* Opened or refused: never written, but for a provisioning of
		 * an empty VMGS that a failing channel cut short (which a later
		 * try may then open). */
		if (!was_empty())
			abort();
		if (r == PV_VMGS_OPENED)
			check_clean();
	}
	return 0;
}
