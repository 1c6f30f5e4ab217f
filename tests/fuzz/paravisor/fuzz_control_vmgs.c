// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the paravisor's VMGS open policy (control_vmgs.c) on a
 * hostile VMGS image, served by the real hostif server over a socketpair,
 * optionally with bit flips or short replies. Input: byte 0 picks the
 * fault, bytes 1-8 the seed, the rest is the data part of the VMGS (zero
 * padded). Oracle: an image whose two header sectors are not all zero is
 * never formatted and never written, byte for byte; a format that succeeds
 * leaves a VMGS that passes libvmgs's full check.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "control_vmgs.h"
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
	struct hostif_client *c;
	struct vmgs *v = NULL;
	struct pair p;
	enum pv_vmgs_result r = PV_VMGS_UNREACHABLE;
	char spec[96], why[256];
	uint64_t seed = 0;
	unsigned fault;

	if (size < 9)
		return 0;
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
		r = pv_vmgs_open(c, &v, why, sizeof(why));
	if ((r == PV_VMGS_OPENED || r == PV_VMGS_FORMATTED) != (v != NULL))
		abort();
	if (v)
		vmgs_close(v);
	hostif_client_free(c);
	pair_stop(&p);

	load(after);
	if (!all_zero(before, 1024)) {
		/* Not empty: never formatted, never written. */
		if (r == PV_VMGS_FORMATTED || memcmp(before, after, FILE_BYTES))
			abort();
	} else if (r == PV_VMGS_FORMATTED) {
		check_clean();
	}
	return 0;
}
