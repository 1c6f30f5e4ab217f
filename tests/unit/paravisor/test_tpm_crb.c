// SPDX-License-Identifier: MIT
/* The CRB register state machine of tpm_crb.h: the sequence the Linux
 * tpm_crb driver runs (request locality, cmdReady, command, start,
 * response, goIdle, relinquish) through a real libtpms (tpm_lib.h), and the
 * access rules for everything else. */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "mmiobus.h"
#include "tpm_crb.h"
#include "tpm_lib.h"

#include "mantle_bytes.h"

static struct mmiobus bus;
static struct tpm_crb crb;
static struct tpm_nv nv;
/* The guest's buffer page (TPM_CRB_BUF_GPA): plain memory. */
static uint8_t page[TPM_CRB_BUF_SIZE];

static int setup(void **state)
{
	(void)state;
	if (tpm_lib_start(&nv, TPM_CRB_BUF_SIZE) < 0)
		return -1;
	tpm_crb_init(&crb, tpm_lib_exec, NULL, page);
	mmiobus_init(&bus);
	return mmiobus_add(&bus, &tpm_crb_mmio_ops, &crb);
}

static int teardown(void **state)
{
	(void)state;
	tpm_crb_destroy(&crb);
	tpm_lib_stop();
	return 0;
}

static uint64_t rd(unsigned int loc, uint32_t reg, unsigned int len)
{
	uint8_t d[8] = { 0 };

	assert_int_equal(mmiobus_access(&bus,
					TPM_CRB_GPA + loc * TPM_CRB_PAGE + reg,
					0, d, len),
			 0);
	return len == 8 ? get_le64(d) : len == 4 ? get_le32(d) : d[0];
}

static void wr(unsigned int loc, uint32_t reg, uint32_t v)
{
	uint8_t d[4];

	put_le32(d, v);
	assert_int_equal(mmiobus_access(&bus,
					TPM_CRB_GPA + loc * TPM_CRB_PAGE + reg,
					1, d, 4),
			 0);
}

/* The buffer is memory: the guest's memcpy_toio/fromio, no exit. */
static void put_buf(const uint8_t *p, size_t n)
{
	memcpy(page, p, n);
}

static void get_buf(uint8_t *p, size_t n)
{
	memcpy(p, page, n);
}

static void ready(unsigned int loc)
{
	wr(loc, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_REQUEST);
	wr(loc, TPM_CRB_CTRL_REQ, TPM_CRB_REQ_CMD_READY);
}

/* Sends cmd at loc, returns the response code; the response into rsp. */
static uint32_t transact(unsigned int loc, const uint8_t *cmd, size_t n,
			 uint8_t *rsp, size_t cap)
{
	put_buf(cmd, n);
	wr(loc, TPM_CRB_CTRL_START, TPM_CRB_START_INVOKE);
	assert_int_equal(rd(loc, TPM_CRB_CTRL_START, 4), 0);
	assert_int_equal(rd(loc, TPM_CRB_CTRL_STS, 4) & TPM_CRB_STS_ERROR, 0);
	get_buf(rsp, cap);
	return get_be32(rsp + 6);
}

static const uint8_t startup_clear[] = { 0x80, 0x01, 0, 0,    0, 12,
					 0,    0,    1, 0x44, 0, 0 };
static const uint8_t getrandom16[] = { 0x80, 0x01, 0, 0,    0, 12,
				       0,    0,	   1, 0x7B, 0, 16 };

static void test_idle_registers(void **state)
{
	(void)state;
	assert_int_equal(rd(0, TPM_CRB_LOC_STATE, 4), TPM_CRB_LOC_STATE_VALID);
	assert_int_equal(rd(0, TPM_CRB_LOC_STS, 4), 0);
	assert_true(rd(0, TPM_CRB_INTF_ID, 8) == TPM_CRB_INTF_ID_VALUE);
	/* no locality: the control area floats */
	assert_int_equal(rd(0, TPM_CRB_CTRL_STS, 4), 0xFFFFFFFFu);
	/* outside the 5 localities: nobody answers */
	uint8_t d[4];
	assert_int_equal(
		mmiobus_access(&bus, TPM_CRB_GPA + TPM_CRB_SIZE, 0, d, 4), -1);
}

static void test_locality(void **state)
{
	(void)state;
	wr(0, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_REQUEST);
	assert_int_equal(rd(0, TPM_CRB_LOC_STATE, 4),
			 TPM_CRB_LOC_STATE_VALID | TPM_CRB_LOC_STATE_ASSIGNED);
	assert_int_equal(rd(0, TPM_CRB_LOC_STS, 4), TPM_CRB_LOC_STS_GRANTED);
	/* locality 2 asks while 0 holds it: refused, no queueing */
	wr(2, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_REQUEST);
	assert_int_equal(rd(2, TPM_CRB_LOC_STS, 4), 0);
	/* 2 cannot relinquish 0's access either */
	wr(2, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
	assert_int_equal(rd(0, TPM_CRB_LOC_STS, 4), TPM_CRB_LOC_STS_GRANTED);
	/* the control area of locality 2 floats and drops writes */
	assert_int_equal(rd(2, TPM_CRB_CTRL_STS, 4), 0xFFFFFFFFu);
	wr(2, TPM_CRB_CTRL_REQ, TPM_CRB_REQ_CMD_READY);
	assert_int_equal(rd(0, TPM_CRB_CTRL_STS, 4), TPM_CRB_STS_IDLE);
	wr(0, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
	assert_int_equal(rd(0, TPM_CRB_LOC_STATE, 4), TPM_CRB_LOC_STATE_VALID);
	wr(3, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_REQUEST);
	assert_int_equal(rd(3, TPM_CRB_LOC_STATE, 4),
			 TPM_CRB_LOC_STATE_VALID | TPM_CRB_LOC_STATE_ASSIGNED |
				 3u << TPM_CRB_LOC_STATE_ACTIVE_SHIFT);
	/* one buffer page, whichever locality */
	assert_int_equal(rd(3, TPM_CRB_CTRL_CMD_LADDR, 4), TPM_CRB_BUF_GPA);
	wr(3, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
}

static void test_ready_idle(void **state)
{
	(void)state;
	ready(0);
	assert_int_equal(rd(0, TPM_CRB_CTRL_STS, 4), 0);
	assert_int_equal(rd(0, TPM_CRB_CTRL_REQ, 4), 0); /* done at once */
	assert_int_equal(rd(0, TPM_CRB_CTRL_CMD_SIZE, 4), TPM_CRB_BUF_SIZE);
	assert_int_equal(rd(0, TPM_CRB_CTRL_RSP_SIZE, 4), TPM_CRB_BUF_SIZE);
	assert_int_equal(rd(0, TPM_CRB_CTRL_CMD_LADDR, 4), TPM_CRB_BUF_GPA);
	assert_int_equal(rd(0, TPM_CRB_CTRL_CMD_HADDR, 4), 0);
	assert_true(rd(0, TPM_CRB_CTRL_RSP_ADDR, 8) == TPM_CRB_BUF_GPA);
	/* the page after the locality pages, outside them */
	assert_true(TPM_CRB_BUF_GPA >= TPM_CRB_GPA + TPM_CRB_SIZE);
	assert_int_equal(TPM_CRB_BUF_GPA % TPM_CRB_PAGE, 0);
	wr(0, TPM_CRB_CTRL_REQ, TPM_CRB_REQ_GO_IDLE);
	assert_int_equal(rd(0, TPM_CRB_CTRL_STS, 4), TPM_CRB_STS_IDLE);
	/* nothing past the registers (the buffer is not there); idle:
	 * start is refused */
	assert_int_equal(rd(0, TPM_CRB_REGS_END, 1), 0xFF);
	uint64_t before = crb.commands;
	wr(0, TPM_CRB_CTRL_START, TPM_CRB_START_INVOKE);
	assert_true(crb.commands == before);
	wr(0, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
}

static void test_read_only(void **state)
{
	(void)state;
	ready(0);
	uint64_t refused = crb.refused;
	wr(0, TPM_CRB_CTRL_CMD_SIZE, 0x10000);
	wr(0, TPM_CRB_CTRL_CMD_LADDR, 0x1000);
	wr(0, TPM_CRB_CTRL_RSP_ADDR, 0x1000);
	wr(0, TPM_CRB_CTRL_STS, TPM_CRB_STS_ERROR);
	wr(0, TPM_CRB_INTF_ID, 0);
	wr(0, TPM_CRB_LOC_STATE, 0);
	wr(0, TPM_CRB_CTRL_INT_ENABLE, 1);
	assert_true(crb.refused == refused + 7);
	assert_int_equal(rd(0, TPM_CRB_CTRL_CMD_SIZE, 4), TPM_CRB_BUF_SIZE);
	assert_int_equal(rd(0, TPM_CRB_CTRL_CMD_LADDR, 4), TPM_CRB_BUF_GPA);
	assert_int_equal(rd(0, TPM_CRB_CTRL_STS, 4), 0);
	assert_true(rd(0, TPM_CRB_INTF_ID, 8) == TPM_CRB_INTF_ID_VALUE);
	assert_int_equal(rd(0, TPM_CRB_CTRL_INT_ENABLE, 4), 0);
	/* cancel: bit 0 kept, cleared by the next start */
	wr(0, TPM_CRB_CTRL_CANCEL, 0xFFFFFFFFu);
	assert_int_equal(rd(0, TPM_CRB_CTRL_CANCEL, 4), 1);
	wr(0, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
}

static void test_bad_sizes(void **state)
{
	uint8_t cmd[12], rsp[10];

	(void)state;
	ready(0);
	/* a header claiming more than the buffer, then less than a header */
	memcpy(cmd, getrandom16, sizeof(cmd));
	put_be32(cmd + 2, TPM_CRB_BUF_SIZE + 1);
	assert_int_equal(transact(0, cmd, sizeof(cmd), rsp, sizeof(rsp)),
			 0x142);
	put_be32(cmd + 2, 9);
	assert_int_equal(transact(0, cmd, sizeof(cmd), rsp, sizeof(rsp)),
			 0x142);
	/* a truncated command (size says 12, TPM sees garbage after) gets a
	 * TPM error, not a crash */
	put_be32(cmd + 2, 10);
	assert_int_not_equal(transact(0, cmd, sizeof(cmd), rsp, sizeof(rsp)),
			     0);
	/* an 8-byte access at the page's last byte stays in the page,
	 * where nothing is: refused, reads all ones */
	uint8_t d[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	uint64_t refused = crb.refused;
	mmiobus_access(&bus, TPM_CRB_GPA + TPM_CRB_PAGE - 1, 1, d, 8);
	mmiobus_access(&bus, TPM_CRB_GPA + TPM_CRB_PAGE - 1, 0, d, 8);
	assert_int_equal(d[0], 0xFF);
	assert_int_equal(d[1], 0xFF);
	assert_true(crb.refused == refused + 1);
	wr(0, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
}

static void test_getrandom(void **state)
{
	uint8_t rsp[64];

	(void)state;
	ready(0);
	assert_int_equal(transact(0, startup_clear, sizeof(startup_clear), rsp,
				  sizeof(rsp)),
			 0);
	assert_int_equal(
		transact(0, getrandom16, sizeof(getrandom16), rsp, sizeof(rsp)),
		0);
	assert_int_equal(get_be16(rsp), 0x8001);
	assert_int_equal(get_be32(rsp + 2), 10 + 2 + 16);
	assert_int_equal(get_be16(rsp + 10), 16);
	wr(0, TPM_CRB_CTRL_REQ, TPM_CRB_REQ_GO_IDLE);
	wr(0, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
	assert_true(nv.len > 0); /* libtpms stored its state in memory */
}

/* Locality games: locality 4 is never granted, a locality without access
 * cannot start (refused, counted), writes where the buffer used to be in
 * the register pages are refused, and a response left behind is gone
 * when access changes hands. */
static void test_locality_games(void **state)
{
	uint8_t rsp[64];
	uint64_t refused = crb.refused, commands;

	(void)state;
	wr(4, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_REQUEST);
	assert_int_equal(rd(4, TPM_CRB_LOC_STATE, 4), TPM_CRB_LOC_STATE_VALID);
	assert_int_equal(rd(4, TPM_CRB_LOC_STS, 4), 0);
	assert_true(crb.refused == refused + 1);
	ready(0);
	put_buf(getrandom16, sizeof(getrandom16));
	/* locality 1 starts 0's command: refused; a write at 0x80 of
	 * either page: refused (nothing there) */
	commands = crb.commands;
	wr(1, TPM_CRB_CTRL_START, TPM_CRB_START_INVOKE);
	wr(1, TPM_CRB_REGS_END, 0x12345678u);
	wr(0, TPM_CRB_REGS_END, 0x12345678u);
	assert_true(crb.commands == commands);
	assert_true(crb.refused == refused + 1 + 3);
	assert_int_equal(rd(1, TPM_CRB_REGS_END, 4), 0xFFFFFFFFu);
	assert_int_equal(rd(0, TPM_CRB_REGS_END, 4), 0xFFFFFFFFu);
	assert_int_equal(page[9], 0x7B); /* intact */
	/* 0 runs it and walks away without reading the response */
	wr(0, TPM_CRB_CTRL_START, TPM_CRB_START_INVOKE);
	assert_int_equal(get_be32(page + 2), 28);
	wr(0, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
	/* 1 gets access: the buffer holds nothing of 0's */
	ready(1);
	get_buf(rsp, sizeof(rsp));
	for (size_t i = 0; i < sizeof(rsp); i++)
		assert_int_equal(rsp[i], 0);
	wr(1, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
}

/* Cancel: commands run synchronously, so a cancel finds nothing running;
 * the bit is kept until the next start, which runs normally and clears
 * it. A locality without access cannot set it. */
static void test_cancel(void **state)
{
	uint8_t rsp[64];
	uint64_t refused = crb.refused;

	(void)state;
	ready(0);
	wr(1, TPM_CRB_CTRL_CANCEL, 1);
	assert_int_equal(rd(0, TPM_CRB_CTRL_CANCEL, 4), 0);
	assert_true(crb.refused == refused + 1);
	wr(0, TPM_CRB_CTRL_CANCEL, 1);
	assert_int_equal(rd(0, TPM_CRB_CTRL_CANCEL, 4), 1);
	assert_int_equal(
		transact(0, getrandom16, sizeof(getrandom16), rsp, sizeof(rsp)),
		0);
	assert_int_equal(rd(0, TPM_CRB_CTRL_CANCEL, 4), 0);
	/* cancel after the response: the response stays */
	wr(0, TPM_CRB_CTRL_CANCEL, 1);
	assert_int_equal(get_be32(page + 6), 0);
	wr(0, TPM_CRB_CTRL_CANCEL, 0);
	wr(0, TPM_CRB_CTRL_REQ, TPM_CRB_REQ_GO_IDLE);
	wr(0, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
}

/* Malformed commands: an empty buffer, a garbage header, a start while
 * idle: TPM error codes or a counted refusal, and the TPM still works. */
static void test_malformed(void **state)
{
	uint8_t cmd[16], rsp[64];
	uint64_t refused = crb.refused;

	(void)state;
	ready(0);
	memset(cmd, 0, sizeof(cmd));
	assert_int_equal(transact(0, cmd, sizeof(cmd), rsp, sizeof(rsp)),
			 0x142);
	memset(cmd, 0xA5, sizeof(cmd));
	put_be32(cmd + 2, sizeof(cmd));
	uint32_t rc = transact(0, cmd, sizeof(cmd), rsp, sizeof(rsp));
	assert_int_not_equal(rc, 0);
	assert_int_not_equal(rc, 0x142);
	wr(0, TPM_CRB_CTRL_REQ, TPM_CRB_REQ_GO_IDLE);
	wr(0, TPM_CRB_CTRL_START, TPM_CRB_START_INVOKE);
	assert_true(crb.refused == refused + 1);
	wr(0, TPM_CRB_CTRL_REQ, TPM_CRB_REQ_CMD_READY);
	assert_int_equal(
		transact(0, getrandom16, sizeof(getrandom16), rsp, sizeof(rsp)),
		0);
	wr(0, TPM_CRB_CTRL_REQ, TPM_CRB_REQ_GO_IDLE);
	wr(0, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
}

/* A TPM that checks it is handed the snapshot, not the guest's page, and
 * scribbles over the page as another vCPU could mid-command; answers a
 * header echoing the command's code as its response code. */
static uint8_t *seen_page;
static size_t scribbler(void *ctx, unsigned int loc, const uint8_t *cmd,
			size_t cmd_len, uint8_t *rsp, size_t cap)
{
	(void)ctx;
	(void)loc;
	(void)cap;
	if (cmd >= seen_page && cmd < seen_page + TPM_CRB_BUF_SIZE)
		return 0;
	memset(seen_page, 0xAA, TPM_CRB_BUF_SIZE);
	put_be16(rsp, TPM_ST_NO_SESSIONS);
	put_be32(rsp + TPM_HDR_SIZE_OFF, TPM_HDR_LEN);
	put_be32(rsp + TPM_HDR_CODE_OFF,
		 cmd_len == 12 ? get_be32(cmd + TPM_HDR_CODE_OFF) : 1);
	return TPM_HDR_LEN;
}

/* The guest's page is hostile memory: the TPM runs the snapshot taken at
 * CTRL_START, whatever happens to the page meanwhile, and the response
 * lands in the page; an oversized header in the page is refused. */
static void test_snapshot(void **state)
{
	static uint8_t own_page[TPM_CRB_BUF_SIZE];
	struct tpm_crb c;
	uint8_t d[4];

	(void)state;
	seen_page = own_page;
	tpm_crb_init(&c, scribbler, NULL, own_page);
	put_le32(d, TPM_CRB_LOC_CTRL_REQUEST);
	tpm_crb_write(&c, TPM_CRB_LOC_CTRL, d, 4);
	put_le32(d, TPM_CRB_REQ_CMD_READY);
	tpm_crb_write(&c, TPM_CRB_CTRL_REQ, d, 4);
	memcpy(own_page, getrandom16, sizeof(getrandom16));
	put_le32(d, TPM_CRB_START_INVOKE);
	tpm_crb_write(&c, TPM_CRB_CTRL_START, d, 4);
	assert_int_equal(get_be32(own_page + TPM_HDR_SIZE_OFF), TPM_HDR_LEN);
	assert_int_equal(get_be32(own_page + TPM_HDR_CODE_OFF), 0x17B);
	assert_int_equal(own_page[TPM_HDR_LEN], 0xAA); /* the scribble */
	put_be32(own_page + TPM_HDR_SIZE_OFF, TPM_CRB_BUF_SIZE + 1);
	tpm_crb_write(&c, TPM_CRB_CTRL_START, d, 4);
	assert_int_equal(get_be32(own_page + TPM_HDR_CODE_OFF),
			 TPM_RC_COMMAND_SIZE);
	assert_true(c.commands == 2);
	tpm_crb_destroy(&c);
}

/* Two vCPUs at once through two localities: each asks until granted (the
 * CRB does not queue), runs a whole command, reads its response, goes idle
 * and relinquishes. The device lock serializes them. (No cmocka asserts
 * in the threads: they count what went wrong.) */
#define RACE_ROUNDS 40

static void raw(unsigned int loc, uint32_t reg, int is_write, uint8_t *d,
		unsigned int len)
{
	mmiobus_access(&bus, TPM_CRB_GPA + loc * TPM_CRB_PAGE + reg, is_write,
		       d, len);
}

static int race_round(unsigned int loc)
{
	uint8_t d[4], rsp[28];

	do {
		put_le32(d, TPM_CRB_LOC_CTRL_REQUEST);
		raw(loc, TPM_CRB_LOC_CTRL, 1, d, 4);
		raw(loc, TPM_CRB_LOC_STS, 0, d, 4);
		if (!(d[0] & TPM_CRB_LOC_STS_GRANTED))
			sched_yield();
	} while (!(d[0] & TPM_CRB_LOC_STS_GRANTED));
	put_le32(d, TPM_CRB_REQ_CMD_READY);
	raw(loc, TPM_CRB_CTRL_REQ, 1, d, 4);
	put_buf(getrandom16, sizeof(getrandom16));
	put_le32(d, TPM_CRB_START_INVOKE);
	raw(loc, TPM_CRB_CTRL_START, 1, d, 4);
	get_buf(rsp, sizeof(rsp));
	put_le32(d, TPM_CRB_REQ_GO_IDLE);
	raw(loc, TPM_CRB_CTRL_REQ, 1, d, 4);
	put_le32(d, TPM_CRB_LOC_CTRL_RELINQUISH);
	raw(loc, TPM_CRB_LOC_CTRL, 1, d, 4);
	return get_be32(rsp + 2) == 28 && get_be32(rsp + 6) == 0 ? 0 : 1;
}

static void *race(void *arg)
{
	unsigned int loc = (unsigned int)(uintptr_t)arg;
	uintptr_t bad = 0;

	for (int i = 0; i < RACE_ROUNDS; i++)
		bad += (uintptr_t)race_round(loc);
	return (void *)bad;
}

static void test_concurrent(void **state)
{
	uint64_t commands = crb.commands, refused = crb.refused;
	pthread_t th[2];
	void *bad[2];

	(void)state;
	for (unsigned int l = 0; l < 2; l++)
		assert_int_equal(pthread_create(&th[l], NULL, race,
						(void *)(uintptr_t)(l + 1)),
				 0);
	for (unsigned int l = 0; l < 2; l++)
		assert_int_equal(pthread_join(th[l], &bad[l]), 0);
	assert_null(bad[0]);
	assert_null(bad[1]);
	assert_true(crb.commands == commands + 2 * RACE_ROUNDS);
	assert_true(crb.refused == refused);
	assert_int_equal(crb.active, TPM_CRB_NO_LOCALITY);
}

/* TPM2_CreatePrimary under the owner hierarchy (password session, empty
 * auth): an RSA-2048 restricted decryption key (AES-128-CFB), the slowest
 * command a guest commonly sends. Prints its time: commands run in the
 * MMIO exit (tpm_crb.c), so this is how long a vCPU can be held. */
static void test_create_primary_rsa2048(void **state)
{
	static const uint8_t cmd[] = {
		0x80, 0x02, 0,	  0,	0,    67,   0, 0,    0x01, 0x31, /* header */
		0x40, 0,    0,	  0x01, /* TPM_RH_OWNER */
		0,    0,    0,	  9,	0x40, 0,    0, 0x09, 0,	   0,	 0,
		0,    0, /* TPM_RS_PW */
		0,    4,    0,	  0,	0,    0, /* inSensitive: empty */
		0,    26,   0,	  0x01, 0,    0x0B, /* inPublic: RSA, SHA-256 */
		0,    0x03, 0,	  0x72, /* fixedTPM|fixedParent|sdo|uwa|restr|decr */
		0,    0, /* authPolicy */
		0,    0x06, 0,	  128,	0,    0x43, /* AES-128-CFB */
		0,    0x10, 0x08, 0,	0,    0,    0, 0, /* no scheme, 2048, e=65537 */
		0,    0, /* unique */
		0,    0,    0,	  0,	0,    0, /* outsideInfo, creationPCR */
	};
	uint8_t rsp[16];
	struct timespec t0, t1;

	(void)state;
	assert_int_equal(sizeof(cmd), 67);
	ready(0);
	for (int i = 0; i < 3; i++) {
		clock_gettime(CLOCK_MONOTONIC, &t0);
		assert_int_equal(
			transact(0, cmd, sizeof(cmd), rsp, sizeof(rsp)), 0);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		print_message("TPM2_CreatePrimary RSA-2048: %.1f ms\n",
			      (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
				      (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
	}
	wr(0, TPM_CRB_CTRL_REQ, TPM_CRB_REQ_GO_IDLE);
	wr(0, TPM_CRB_LOC_CTRL, TPM_CRB_LOC_CTRL_RELINQUISH);
}

/* The MMIO bus refuses a range that overlaps one already there. */
static void test_mmiobus_overlap(void **state)
{
	static const struct mmio_ops below = { "below", TPM_CRB_GPA - 0x1000,
					       0x1001, NULL, NULL };
	static const struct mmio_ops after = { "after",
					       TPM_CRB_GPA + TPM_CRB_SIZE,
					       0x1000, NULL, NULL };
	static const struct mmio_ops wrap = { "wrap", ~0ull, 2, NULL, NULL };
	uint8_t d[4];

	(void)state;
	assert_int_equal(mmiobus_add(&bus, &tpm_crb_mmio_ops, &crb), -1);
	assert_int_equal(mmiobus_add(&bus, &below, NULL), -1);
	assert_int_equal(mmiobus_add(&bus, &wrap, NULL), -1);
	assert_int_equal(mmiobus_add(&bus, &after, NULL), 0);
	/* no read handler: reads all ones, claimed */
	assert_int_equal(
		mmiobus_access(&bus, TPM_CRB_GPA + TPM_CRB_SIZE, 0, d, 4), 0);
	assert_int_equal(get_le32(d), 0xFFFFFFFFu);
	bus.n--; /* the other tests see the CRB alone */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_idle_registers),
		cmocka_unit_test(test_locality),
		cmocka_unit_test(test_ready_idle),
		cmocka_unit_test(test_read_only),
		cmocka_unit_test(test_bad_sizes),
		cmocka_unit_test(test_getrandom),
		cmocka_unit_test(test_locality_games),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_snapshot),
		cmocka_unit_test(test_concurrent),
		cmocka_unit_test(test_create_primary_rsa2048),
		cmocka_unit_test(test_mmiobus_overlap),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
