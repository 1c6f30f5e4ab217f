// SPDX-License-Identifier: MIT
/*
 * mantle-sp's request parsing (sp_dispatch, sp_launch, sp_guest): the
 * input is a sequence of records fed to one fresh simulator in-process:
 *   u8 kind, le16 len, data[len]
 *   kind even: data is one raw IPC message (header and payload)
 *   kind odd:  data is u8 type, u8 version, u8 vmpck, le32 seqno, payload;
 *              the harness seals it under the VMPCK (fixed keys replace the
 *              random ones once LAUNCH succeeds) and sends it as GUEST_MSG,
 *              so mutations reach the report and key request parsers.
 * The image reader is in memory ("kernel", "initrd"). Invariants: every
 * reply is a well-formed header, errors carry no payload, a served guest
 * request opens under its key with seqno + 1, counters never go back.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mantle_bytes.h"
#include "snp_msg.h"
#include "sp.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct sp_chip chip;
static char dir[64];
static uint8_t rsp[SP_IPC_MSG_MAX], msg[SP_IPC_MSG_MAX];
static uint8_t opened[SNP_MSG_MAX_PAYLOAD];

static int mem_read(void *arg, const char *path, uint64_t max, uint8_t **buf,
		    size_t *len)
{
	(void)arg;
	(void)max;
	if (strcmp(path, "kernel") && strcmp(path, "initrd"))
		return -1;
	*len = strlen(path);
	*buf = malloc(*len);
	if (!*buf)
		return -1;
	memcpy(*buf, path, *len);
	return 0;
}

static void cleanup(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd))
		fprintf(stderr, "fuzz_sp: could not remove %s\n", dir);
}

static void init_chip(void)
{
	char state[96];

	sp_log_quiet(1);
	strcpy(dir, "/tmp/mantle-sp-fuzz.XXXXXX");
	if (!mkdtemp(dir))
		abort();
	atexit(cleanup);
	snprintf(state, sizeof(state), "%s/state", dir);
	if (sp_chip_open(&chip, state))
		abort();
}

static void fix_keys(struct sp_vm *vm)
{
	for (unsigned int i = 0; i < SNP_VMPCK_COUNT; i++)
		memset(vm->vmpck[i], 0x10 + (int)i, SNP_VMPCK_LEN);
}

static void ipc_header(uint16_t type, size_t len)
{
	memcpy(msg, SP_IPC_MAGIC, 4);
	put_le16(msg + 4, type);
	put_le16(msg + 6, 0);
	put_le32(msg + 8, (uint32_t)len);
	put_le32(msg + 12, 0);
}

/* Wraps a guest plaintext record into a sealed GUEST_MSG request. vmpck
 * byte bit 7: seal under an all-zero (wrong) key instead. */
static size_t guest_msg(const struct sp_vm *vm, const uint8_t *d, size_t n)
{
	static const uint8_t wrong[SNP_VMPCK_LEN];
	struct snp_msg_meta m;
	size_t len;

	if (n < 7)
		return 0;
	m.type = d[0];
	m.version = d[1];
	m.vmpck = d[2] & 3;
	m.seqno = get_le32(d + 3);
	m.size = (uint16_t)(n - 7 > SNP_MSG_MAX_PAYLOAD ? SNP_MSG_MAX_PAYLOAD :
							  n - 7);
	if (snp_msg_seal(d[2] & 0x80 ? wrong : vm->vmpck[m.vmpck], &m, d + 7,
			 msg + SP_IPC_HDR_SIZE, SNP_MSG_PAGE_SIZE))
		return 0;
	len = SNP_MSG_HDR_SIZE + m.size;
	ipc_header(SP_IPC_GUEST_MSG, len);
	return SP_IPC_HDR_SIZE + len;
}

static void check_reply(const struct sp *sp, size_t n, int guest,
			uint64_t seqno)
{
	struct snp_msg_meta m;
	uint32_t st = get_le32(rsp + 12);

	if (n < SP_IPC_HDR_SIZE || n > SP_IPC_MSG_MAX ||
	    memcmp(rsp, SP_IPC_MAGIC, 4) ||
	    get_le32(rsp + 8) != n - SP_IPC_HDR_SIZE ||
	    (st != SP_ST_OK && n != SP_IPC_HDR_SIZE))
		abort();
	if (!guest || st != SP_ST_OK)
		return;
	if (snp_msg_peek(rsp + SP_IPC_HDR_SIZE, n - SP_IPC_HDR_SIZE, &m) ||
	    snp_msg_open(sp->vm.vmpck[m.vmpck], rsp + SP_IPC_HDR_SIZE,
			 n - SP_IPC_HDR_SIZE, &m, opened, sizeof(opened)) ||
	    m.seqno != seqno + 1 || sp->vm.seqno[m.vmpck] != m.seqno)
		abort();
	memset(opened, 0, sizeof(opened));
}

/* The request's seqno when it is a GUEST_MSG with a full header. */
static int guest_seqno(size_t len, uint64_t *seqno)
{
	if (len < SP_IPC_HDR_SIZE + SNP_MSG_HDR_SIZE ||
	    get_le16(msg + 4) != SP_IPC_GUEST_MSG)
		return 0;
	*seqno = get_le64(msg + SP_IPC_HDR_SIZE + 0x20);
	return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct sp_reader reader = { mem_read, NULL };
	struct cursor c = cur_init(data, size);
	uint32_t before[SNP_VMPCK_COUNT];
	struct sp sp;

	if (!chip.vcek)
		init_chip();
	sp_init(&sp, &chip, &reader);
	while (cur_left(&c) >= 3) {
		uint8_t kind = cur_u8(&c);
		size_t n = cur_le16(&c), len;
		const uint8_t *d = cur_take(&c, n);
		uint64_t seqno = 0;
		int guest;

		if (!d)
			break;
		if (kind & 1) {
			len = sp.vm.launched ? guest_msg(&sp.vm, d, n) : 0;
			if (!len)
				continue;
		} else {
			memcpy(msg, d, n);
			len = n;
		}
		guest = guest_seqno(len, &seqno);
		memcpy(before, sp.vm.seqno, sizeof(before));
		n = sp_dispatch(&sp, msg, len, rsp);
		check_reply(&sp, n, guest, seqno);
		for (unsigned int i = 0; i < SNP_VMPCK_COUNT; i++)
			if (sp.vm.seqno[i] < before[i])
				abort();
		if (sp.vm.launched)
			fix_keys(&sp.vm);
	}
	sp_fini(&sp);
	return 0;
}
