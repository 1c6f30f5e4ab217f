// SPDX-License-Identifier: MIT
/* The TIS (FIFO) register state machine of tpm_tis.h through a real
 * libtpms (tpm_lib.h): the sequence Linux's tpm_tis driver runs (request
 * locality, commandReady, the command in bursts while Expect, tpmGo, the
 * response while dataAvail, commandReady, relinquish), and the locality
 * games, cancel, retry and malformed commands a hostile guest plays. */
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mmiobus.h"
#include "tpm_lib.h"
#include "tpm_tis.h"

#include "mantle_bytes.h"

static struct mmiobus bus;
static struct tpm_tis tis;
static struct tpm_nv nv;

static int setup(void **state)
{
	(void)state;
	if (tpm_lib_start(&nv, TPM_TIS_BUF_SIZE) < 0 || tpm_lib_startup() < 0)
		return -1;
	mmiobus_init(&bus);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	tpm_lib_stop();
	tpm_nv_clear(&nv);
	return 0;
}

/* Each test starts from a device just plugged. */
static int fresh(void **state)
{
	(void)state;
	tpm_tis_init(&tis, tpm_lib_exec, NULL);
	mmiobus_init(&bus);
	return mmiobus_add(&bus, &tpm_tis_mmio_ops, &tis);
}

static int unplug(void **state)
{
	(void)state;
	tpm_tis_destroy(&tis);
	return 0;
}

static uint64_t addr(unsigned int loc, uint32_t reg)
{
	return TPM_TIS_GPA + (uint64_t)loc * TPM_TIS_PAGE + reg;
}

static uint64_t rd(unsigned int loc, uint32_t reg, unsigned int len)
{
	uint8_t d[8] = { 0 };

	assert_int_equal(mmiobus_access(&bus, addr(loc, reg), 0, d, len), 0);
	return len == 8 ? get_le64(d) :
	       len == 4 ? get_le32(d) :
	       len == 2 ? get_le16(d) :
			  d[0];
}

static void wr(unsigned int loc, uint32_t reg, uint32_t v, unsigned int len)
{
	uint8_t d[4];

	put_le32(d, v);
	assert_int_equal(mmiobus_access(&bus, addr(loc, reg), 1, d, len), 0);
}

static uint8_t access_of(unsigned int loc)
{
	return (uint8_t)rd(loc, TPM_TIS_ACCESS, 1);
}

static uint32_t sts(unsigned int loc)
{
	return (uint32_t)rd(loc, TPM_TIS_STS, 4);
}

static uint32_t burst(unsigned int loc)
{
	return sts(loc) >> TPM_TIS_STS_BURST_SHIFT & 0xFFFFu;
}

static void request(unsigned int loc)
{
	wr(loc, TPM_TIS_ACCESS, TPM_TIS_ACCESS_REQUEST_USE, 1);
}

static void relinquish(unsigned int loc)
{
	wr(loc, TPM_TIS_ACCESS, TPM_TIS_ACCESS_ACTIVE, 1);
}

/* n command bytes into the FIFO in pieces of `piece` bytes (1..8), the
 * 4-byte ones at DATA_FIFO, the 8-byte ones at XDATA_FIFO. */
static void put_fifo(unsigned int loc, const uint8_t *p, size_t n,
		     unsigned int piece)
{
	uint32_t reg = piece > 4 ? TPM_TIS_XDATA_FIFO : TPM_TIS_DATA_FIFO;

	for (size_t i = 0; i < n; i += piece) {
		unsigned int k = n - i < piece ? (unsigned int)(n - i) : piece;

		mmiobus_access(&bus, addr(loc, reg), 1,
			       (uint8_t *)(uintptr_t)(p + i), k);
	}
}

static void get_fifo(unsigned int loc, uint8_t *p, size_t n, unsigned int piece)
{
	uint32_t reg = piece > 4 ? TPM_TIS_XDATA_FIFO : TPM_TIS_DATA_FIFO;

	for (size_t i = 0; i < n; i += piece) {
		unsigned int k = n - i < piece ? (unsigned int)(n - i) : piece;

		mmiobus_access(&bus, addr(loc, reg), 0, p + i, k);
	}
}

/* Whole command, tpmGo; the response code, the response into rsp. */
static uint32_t transact(unsigned int loc, const uint8_t *cmd, size_t n,
			 uint8_t *rsp, size_t cap)
{
	size_t len;

	wr(loc, TPM_TIS_STS, TPM_TIS_STS_COMMAND_READY, 1);
	put_fifo(loc, cmd, n, 1);
	wr(loc, TPM_TIS_STS, TPM_TIS_STS_GO, 1);
	assert_int_equal(sts(loc) &
				 (TPM_TIS_STS_VALID | TPM_TIS_STS_DATA_AVAIL),
			 TPM_TIS_STS_VALID | TPM_TIS_STS_DATA_AVAIL);
	len = burst(loc);
	assert_true(len >= TPM_HDR_LEN && len <= cap);
	get_fifo(loc, rsp, len, 4);
	assert_int_equal(get_be32(rsp + 2), len);
	assert_int_equal(sts(loc) & TPM_TIS_STS_DATA_AVAIL, 0);
	return get_be32(rsp + 6);
}

static const uint8_t getrandom16[] = { 0x80, 0x01, 0, 0,    0, 12,
				       0,    0,	   1, 0x7B, 0, 16 };

/* The identification registers answer every locality; STS and the FIFO
 * only the active one (refused and counted otherwise). */
static void test_identity(void **state)
{
	uint8_t d[8];

	(void)state;
	for (unsigned int l = 0; l < TPM_TIS_LOCALITIES; l++) {
		assert_int_equal(access_of(l),
				 TPM_TIS_ACCESS_VALID |
					 TPM_TIS_ACCESS_ESTABLISHMENT);
		assert_int_equal(rd(l, TPM_TIS_INTF_CAPABILITY, 4),
				 TPM_TIS_INTF_CAPABILITY_VALUE);
		assert_int_equal(rd(l, TPM_TIS_INTERFACE_ID, 4),
				 TPM_TIS_INTERFACE_ID_VALUE);
		assert_int_equal(rd(l, TPM_TIS_DID_VID, 4), 0x00011014u);
		assert_int_equal(rd(l, TPM_TIS_RID, 1), TPM_TIS_RID_VALUE);
		assert_int_equal(rd(l, TPM_TIS_INT_ENABLE, 4), 0);
		assert_int_equal(rd(l, TPM_TIS_INT_STATUS, 4), 0);
	}
	/* no interrupt type offered; TPM 2.0 interface version 1.3 */
	assert_int_equal(TPM_TIS_INTF_CAPABILITY_VALUE & 0xFFu, 0);
	assert_int_equal(tis.refused, 0);
	/* without access: STS and the FIFO float, each access counted */
	assert_int_equal(sts(0), 0xFFFFFFFFu);
	assert_int_equal(rd(0, TPM_TIS_DATA_FIFO, 4), 0xFFFFFFFFu);
	assert_true(rd(1, TPM_TIS_XDATA_FIFO, 8) == ~0ull);
	assert_int_equal(tis.refused, 3);
	wr(0, TPM_TIS_STS, TPM_TIS_STS_COMMAND_READY, 1);
	wr(0, TPM_TIS_DATA_FIFO, 0x80, 1);
	assert_int_equal(tis.refused, 5);
	/* read-only and reserved: writes refused, reads of reserved float */
	wr(0, TPM_TIS_DID_VID, 0, 4);
	wr(0, TPM_TIS_INTF_CAPABILITY, 0xFF, 4);
	wr(0, 0x40, 1, 4);
	assert_int_equal(tis.refused, 8);
	assert_int_equal(rd(0, 0x40, 4), 0xFFFFFFFFu);
	assert_int_equal(rd(0, TPM_TIS_DID_VID, 4), 0x00011014u);
	/* outside the five pages: the bus does not claim it */
	assert_int_equal(
		mmiobus_access(&bus, TPM_TIS_GPA + TPM_TIS_SIZE, 0, d, 4), -1);
	/* an 8-byte read at a page's last byte stays in that page */
	memset(d, 0, sizeof(d));
	mmiobus_access(&bus, addr(0, TPM_TIS_PAGE - 1), 0, d, 8);
	assert_true(get_le64(d) == ~0ull);
	/* one read spanning INTF_CAPABILITY and STS: the STS half refused */
	assert_true(rd(0, TPM_TIS_INTF_CAPABILITY, 8) ==
		    (0xFFFFFFFFull << 32 | TPM_TIS_INTF_CAPABILITY_VALUE));
	assert_int_equal(tis.refused, 9);
}

static void test_request_relinquish(void **state)
{
	(void)state;
	request(0);
	assert_int_equal(access_of(0), TPM_TIS_ACCESS_VALID |
					       TPM_TIS_ACCESS_ACTIVE |
					       TPM_TIS_ACCESS_ESTABLISHMENT);
	/* requesting again changes nothing */
	request(0);
	assert_int_equal(tis.active, 0);
	/* 2 and 1 ask while 0 holds it: they wait, 0 sees them pending */
	request(2);
	request(1);
	assert_int_equal(access_of(2) & (TPM_TIS_ACCESS_REQUEST_USE |
					 TPM_TIS_ACCESS_ACTIVE |
					 TPM_TIS_ACCESS_PENDING),
			 TPM_TIS_ACCESS_REQUEST_USE | TPM_TIS_ACCESS_PENDING);
	assert_true(access_of(0) & TPM_TIS_ACCESS_PENDING);
	/* the highest waiting gets it when 0 relinquishes */
	relinquish(0);
	assert_int_equal(tis.active, 2);
	assert_int_equal(access_of(2) & (TPM_TIS_ACCESS_REQUEST_USE |
					 TPM_TIS_ACCESS_ACTIVE),
			 TPM_TIS_ACCESS_ACTIVE);
	assert_true(access_of(1) & TPM_TIS_ACCESS_REQUEST_USE);
	/* 1 withdraws its request; 1 cannot relinquish 2's access */
	relinquish(1);
	assert_int_equal(access_of(1) & TPM_TIS_ACCESS_REQUEST_USE, 0);
	assert_int_equal(access_of(2) & TPM_TIS_ACCESS_PENDING, 0);
	assert_int_equal(tis.active, 2);
	relinquish(2);
	assert_int_equal(tis.active, TPM_TIS_NO_LOCALITY);
	assert_int_equal(access_of(2) & TPM_TIS_ACCESS_ACTIVE, 0);
	assert_int_equal(tis.refused, 0);
}

static void test_seize(void **state)
{
	uint8_t rsp[64];

	(void)state;
	request(1);
	wr(1, TPM_TIS_STS, TPM_TIS_STS_COMMAND_READY, 1);
	put_fifo(1, getrandom16, 6, 1);
	/* 0 cannot seize from 1, nor 1 from itself: refused */
	wr(0, TPM_TIS_ACCESS, TPM_TIS_ACCESS_SEIZE, 1);
	wr(1, TPM_TIS_ACCESS, TPM_TIS_ACCESS_SEIZE, 1);
	assert_int_equal(tis.active, 1);
	assert_int_equal(tis.refused, 2);
	/* 3 seizes: 1 loses access and its half command, beenSeized */
	wr(3, TPM_TIS_ACCESS, TPM_TIS_ACCESS_SEIZE, 1);
	assert_int_equal(tis.active, 3);
	assert_int_equal(access_of(1) & (TPM_TIS_ACCESS_ACTIVE |
					 TPM_TIS_ACCESS_BEEN_SEIZED),
			 TPM_TIS_ACCESS_BEEN_SEIZED);
	assert_int_equal(access_of(3) & TPM_TIS_ACCESS_BEEN_SEIZED, 0);
	assert_int_equal(sts(3) & TPM_TIS_STS_COMMAND_READY, 0); /* Idle */
	/* 1's writes now refused; 1 clears its beenSeized */
	wr(1, TPM_TIS_DATA_FIFO, 0, 1);
	assert_int_equal(tis.refused, 3);
	wr(1, TPM_TIS_ACCESS, TPM_TIS_ACCESS_BEEN_SEIZED, 1);
	assert_int_equal(access_of(1) & TPM_TIS_ACCESS_BEEN_SEIZED, 0);
	/* 3 runs a whole command of its own */
	assert_int_equal(
		transact(3, getrandom16, sizeof(getrandom16), rsp, sizeof(rsp)),
		0);
	/* locality 4 is the hardware's: every write refused, never active */
	wr(4, TPM_TIS_ACCESS, TPM_TIS_ACCESS_SEIZE, 1);
	relinquish(3);
	wr(4, TPM_TIS_ACCESS, TPM_TIS_ACCESS_REQUEST_USE, 1);
	assert_int_equal(tis.active, TPM_TIS_NO_LOCALITY);
	assert_int_equal(access_of(4) & TPM_TIS_ACCESS_ACTIVE, 0);
	assert_int_equal(tis.refused, 5);
	/* seize with none active takes it */
	wr(2, TPM_TIS_ACCESS, TPM_TIS_ACCESS_SEIZE, 1);
	assert_int_equal(tis.active, 2);
	relinquish(2);
}

/* The Linux sequence: a command in bursts while Expect, the response in
 * pieces while dataAvail, then commandReady and relinquish. */
static void test_fifo_pieces(void **state)
{
	uint8_t rsp[64], again[64];

	(void)state;
	request(0);
	assert_int_equal(sts(0), TPM_TIS_STS_VALID | TPM_TIS_STS_FAMILY_TPM2);
	wr(0, TPM_TIS_STS, TPM_TIS_STS_COMMAND_READY, 1);
	assert_int_equal(sts(0) & 0xFFu,
			 TPM_TIS_STS_VALID | TPM_TIS_STS_COMMAND_READY);
	assert_int_equal(burst(0), TPM_TIS_BUF_SIZE);
	/* 1 byte, then 4 (DATA_FIFO), then 5 at XDATA_FIFO, then 2 */
	put_fifo(0, getrandom16, 1, 1);
	assert_int_equal(sts(0) & 0xFFu,
			 TPM_TIS_STS_VALID | TPM_TIS_STS_EXPECT);
	assert_int_equal(burst(0), TPM_TIS_BUF_SIZE - 1);
	put_fifo(0, getrandom16 + 1, 4, 4);
	assert_true(sts(0) & TPM_TIS_STS_EXPECT); /* size not known yet */
	mmiobus_access(&bus, addr(0, TPM_TIS_XDATA_FIFO + 8), 1,
		       (uint8_t *)(uintptr_t)(getrandom16 + 5), 5);
	assert_true(sts(0) & TPM_TIS_STS_EXPECT);
	assert_int_equal(burst(0), TPM_TIS_BUF_SIZE - 10);
	put_fifo(0, getrandom16 + 10, 2, 2);
	assert_int_equal(sts(0) & 0xFFu, TPM_TIS_STS_VALID);
	wr(0, TPM_TIS_STS, TPM_TIS_STS_GO, 1);
	assert_int_equal(sts(0) & 0xFFu,
			 TPM_TIS_STS_VALID | TPM_TIS_STS_DATA_AVAIL);
	assert_int_equal(burst(0), 28);
	/* the response: 1 byte, 4 at DATA_FIFO, 8 at XDATA_FIFO, the rest */
	get_fifo(0, rsp, 1, 1);
	get_fifo(0, rsp + 1, 4, 4);
	get_fifo(0, rsp + 5, 8, 8);
	assert_int_equal(burst(0), 28 - 13);
	get_fifo(0, rsp + 13, 15, 2);
	assert_int_equal(get_be16(rsp), 0x8001);
	assert_int_equal(get_be32(rsp + 2), 28);
	assert_int_equal(get_be32(rsp + 6), 0);
	assert_int_equal(get_be16(rsp + 10), 16);
	assert_int_equal(sts(0) & 0xFFu, TPM_TIS_STS_VALID);
	assert_int_equal(burst(0), 0);
	assert_int_equal(tis.refused, 0);
	/* past the end: 0xFF, counted */
	assert_int_equal(rd(0, TPM_TIS_DATA_FIFO, 1), 0xFF);
	assert_int_equal(tis.refused, 1);
	/* responseRetry: the same response from its first byte */
	wr(0, TPM_TIS_STS, TPM_TIS_STS_RESPONSE_RETRY, 1);
	assert_true(sts(0) & TPM_TIS_STS_DATA_AVAIL);
	get_fifo(0, again, 28, 8);
	assert_memory_equal(rsp, again, 28);
	/* commandReady: back to Ready, the response gone */
	wr(0, TPM_TIS_STS, TPM_TIS_STS_COMMAND_READY, 1);
	assert_int_equal(sts(0) & 0xFFu,
			 TPM_TIS_STS_VALID | TPM_TIS_STS_COMMAND_READY);
	assert_int_equal(rd(0, TPM_TIS_DATA_FIFO, 1), 0xFF);
	/* responseRetry outside Completion, tpmGo without a command: refused */
	wr(0, TPM_TIS_STS, TPM_TIS_STS_RESPONSE_RETRY, 1);
	wr(0, TPM_TIS_STS, TPM_TIS_STS_GO, 1);
	assert_int_equal(tis.refused, 4);
	assert_int_equal(tis.commands, 1);
	relinquish(0);
	assert_true(nv.len > 0);
}

static uint32_t rc_of(unsigned int loc, const uint8_t *cmd, size_t n)
{
	uint8_t rsp[TPM_TIS_BUF_SIZE];

	wr(loc, TPM_TIS_STS, TPM_TIS_STS_COMMAND_READY, 1);
	put_fifo(loc, cmd, n, 8);
	wr(loc, TPM_TIS_STS, TPM_TIS_STS_GO, 1);
	assert_true(sts(loc) & TPM_TIS_STS_DATA_AVAIL);
	get_fifo(loc, rsp, TPM_HDR_LEN, 1);
	return get_be32(rsp + 6);
}

/* Truncated, oversized, short and garbage commands: TPM error codes. */
static void test_malformed(void **state)
{
	static uint8_t big[TPM_TIS_BUF_SIZE + 16];
	uint8_t cmd[16];

	(void)state;
	request(0);
	/* truncated: the header says 12, 8 bytes came (Expect still 1) */
	memcpy(cmd, getrandom16, 12);
	wr(0, TPM_TIS_STS, TPM_TIS_STS_COMMAND_READY, 1);
	put_fifo(0, cmd, 8, 4);
	assert_true(sts(0) & TPM_TIS_STS_EXPECT);
	assert_int_equal(rc_of(0, cmd, 8), TPM_RC_COMMAND_SIZE);
	/* too long: 16 bytes for a header of 12 (Expect 0 after 12) */
	memcpy(cmd + 12, "\1\2\3\4", 4);
	assert_int_equal(rc_of(0, cmd, 16), TPM_RC_COMMAND_SIZE);
	/* shorter than a header */
	assert_int_equal(rc_of(0, cmd, 3), TPM_RC_COMMAND_SIZE);
	/* a header claiming less than a header */
	put_be32(cmd + 2, 6);
	assert_int_equal(rc_of(0, cmd, 6), TPM_RC_COMMAND_SIZE);
	/* beyond the buffer: bytes dropped and counted, then the error */
	memcpy(big, getrandom16, 12);
	put_be32(big + 2, sizeof(big));
	uint64_t refused = tis.refused;
	assert_int_equal(rc_of(0, big, sizeof(big)), TPM_RC_COMMAND_SIZE);
	assert_true(tis.refused > refused);
	/* a whole command of garbage: libtpms's own error */
	memset(cmd, 0xA5, sizeof(cmd));
	put_be32(cmd + 2, 16);
	uint32_t rc = rc_of(0, cmd, 16);
	assert_int_not_equal(rc, 0);
	assert_int_not_equal(rc, TPM_RC_COMMAND_SIZE);
	assert_int_equal(tis.malformed, 5);
	assert_int_equal(tis.commands, 6);
	/* two actions in one write are ambiguous: refused */
	refused = tis.refused;
	wr(0, TPM_TIS_STS, TPM_TIS_STS_COMMAND_READY | TPM_TIS_STS_GO, 1);
	assert_true(tis.refused == refused + 1);
	/* and the TPM still works */
	uint8_t rsp[64];
	assert_int_equal(
		transact(0, getrandom16, sizeof(getrandom16), rsp, sizeof(rsp)),
		0);
	relinquish(0);
}

/* commandCancel finds no command executing (they run synchronously):
 * no effect in Reception or Completion. commandReady aborts. */
static void test_cancel(void **state)
{
	uint8_t rsp[64];

	(void)state;
	request(0);
	wr(0, TPM_TIS_STS, TPM_TIS_STS_COMMAND_READY, 1);
	put_fifo(0, getrandom16, 8, 4);
	wr(0, TPM_TIS_STS, TPM_TIS_STS_CANCEL, 4);
	assert_true(sts(0) & TPM_TIS_STS_EXPECT);
	assert_int_equal(burst(0), TPM_TIS_BUF_SIZE - 8);
	put_fifo(0, getrandom16 + 8, 4, 4);
	wr(0, TPM_TIS_STS, TPM_TIS_STS_GO, 1);
	wr(0, TPM_TIS_STS, TPM_TIS_STS_CANCEL, 4);
	assert_int_equal(burst(0), 28);
	get_fifo(0, rsp, 28, 4);
	assert_int_equal(get_be32(rsp + 6), 0);
	/* commandReady in Reception aborts the command */
	wr(0, TPM_TIS_STS, TPM_TIS_STS_COMMAND_READY, 1);
	put_fifo(0, getrandom16, 5, 1);
	wr(0, TPM_TIS_STS, TPM_TIS_STS_COMMAND_READY, 1);
	assert_int_equal(sts(0) & 0xFFu,
			 TPM_TIS_STS_VALID | TPM_TIS_STS_COMMAND_READY);
	assert_int_equal(burst(0), TPM_TIS_BUF_SIZE);
	/* resetEstablishmentBit: no effect, establishment stays 1 */
	wr(0, TPM_TIS_STS, TPM_TIS_STS_RESET_ESTABLISHMENT, 4);
	assert_true(access_of(0) & TPM_TIS_ACCESS_ESTABLISHMENT);
	assert_int_equal(tis.refused, 0);
	relinquish(0);
}

/* A response nobody read is gone once its locality lets go: the next
 * locality cannot read it. */
static void test_relinquish_discards(void **state)
{
	(void)state;
	request(0);
	request(1);
	wr(0, TPM_TIS_STS, TPM_TIS_STS_COMMAND_READY, 1);
	put_fifo(0, getrandom16, sizeof(getrandom16), 4);
	wr(0, TPM_TIS_STS, TPM_TIS_STS_GO, 1);
	assert_true(sts(0) & TPM_TIS_STS_DATA_AVAIL);
	relinquish(0);
	assert_int_equal(tis.active, 1);
	assert_int_equal(sts(1) & 0xFFu, TPM_TIS_STS_VALID); /* Idle */
	assert_int_equal(rd(1, TPM_TIS_DATA_FIFO, 4), 0xFFFFFFFFu);
	assert_int_equal(tis.refused, 1);
	relinquish(1);
}

/* Interrupts are not offered: INT_ENABLE and INT_VECTOR only store. */
static void test_interrupt_registers(void **state)
{
	(void)state;
	request(0);
	wr(0, TPM_TIS_INT_ENABLE, 0x80000087u, 4);
	assert_int_equal(rd(0, TPM_TIS_INT_ENABLE, 4), 0x80000087u);
	/* a byte write leaves the other bytes */
	wr(0, TPM_TIS_INT_ENABLE + 3, 0, 1);
	assert_int_equal(rd(0, TPM_TIS_INT_ENABLE, 4), 0x87u);
	wr(0, TPM_TIS_INT_VECTOR, 5, 1);
	assert_int_equal(rd(0, TPM_TIS_INT_VECTOR, 1), 5);
	wr(0, TPM_TIS_INT_STATUS, 0xFFFFFFFFu, 4);
	assert_int_equal(rd(0, TPM_TIS_INT_STATUS, 4), 0);
	assert_int_equal(tis.refused, 0);
	/* another locality reads its own, and cannot write */
	assert_int_equal(rd(1, TPM_TIS_INT_ENABLE, 4), 0);
	wr(1, TPM_TIS_INT_ENABLE, 1, 4);
	wr(1, TPM_TIS_INT_STATUS, 1, 4);
	assert_int_equal(rd(1, TPM_TIS_INT_ENABLE, 4), 0);
	assert_int_equal(tis.refused, 2);
	relinquish(0);
	/* nothing is ever raised */
	assert_int_equal(rd(0, TPM_TIS_INT_STATUS, 4), 0);
}

/* Two vCPUs at once, each through its own locality: request (queued
 * behind the other), a whole command, its response, relinquish. The device
 * lock serializes them; every response is whole and successful. (No
 * cmocka asserts in the threads: they count what went wrong.) */
#define RACE_ROUNDS 40

static int race_round(unsigned int loc)
{
	uint8_t d[8], go = TPM_TIS_STS_GO, rdy = TPM_TIS_STS_COMMAND_READY;
	uint8_t rsp[32];
	uint8_t use = TPM_TIS_ACCESS_REQUEST_USE, act = TPM_TIS_ACCESS_ACTIVE;

	mmiobus_access(&bus, addr(loc, TPM_TIS_ACCESS), 1, &use, 1);
	do {
		sched_yield();
		mmiobus_access(&bus, addr(loc, TPM_TIS_ACCESS), 0, d, 1);
	} while (!(d[0] & TPM_TIS_ACCESS_ACTIVE));
	mmiobus_access(&bus, addr(loc, TPM_TIS_STS), 1, &rdy, 1);
	for (size_t i = 0; i < sizeof(getrandom16); i++)
		mmiobus_access(&bus, addr(loc, TPM_TIS_DATA_FIFO), 1,
			       (uint8_t *)(uintptr_t)(getrandom16 + i), 1);
	mmiobus_access(&bus, addr(loc, TPM_TIS_STS), 1, &go, 1);
	for (size_t i = 0; i < 28; i++)
		mmiobus_access(&bus, addr(loc, TPM_TIS_DATA_FIFO), 0, rsp + i,
			       1);
	mmiobus_access(&bus, addr(loc, TPM_TIS_ACCESS), 1, &act, 1);
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
	assert_true(tis.commands == 2 * RACE_ROUNDS);
	assert_int_equal(tis.refused, 0);
	assert_int_equal(tis.active, TPM_TIS_NO_LOCALITY);
}

/* The TPM2 table and DSDT side is test_acpi.c's; the bus's is here: the
 * TIS device claims the same five pages as the CRB, so one machine has
 * one of them. */
static void test_mmio_range(void **state)
{
	(void)state;
	assert_true(tpm_tis_mmio_ops.base == ACPI_TPM_GPA);
	assert_true(tpm_tis_mmio_ops.len == ACPI_TPM_SIZE);
	assert_int_equal(mmiobus_add(&bus, &tpm_tis_mmio_ops, &tis), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity, fresh, unplug),
		cmocka_unit_test_setup_teardown(test_request_relinquish, fresh,
						unplug),
		cmocka_unit_test_setup_teardown(test_seize, fresh, unplug),
		cmocka_unit_test_setup_teardown(test_fifo_pieces, fresh,
						unplug),
		cmocka_unit_test_setup_teardown(test_malformed, fresh, unplug),
		cmocka_unit_test_setup_teardown(test_cancel, fresh, unplug),
		cmocka_unit_test_setup_teardown(test_relinquish_discards, fresh,
						unplug),
		cmocka_unit_test_setup_teardown(test_interrupt_registers, fresh,
						unplug),
		cmocka_unit_test_setup_teardown(test_concurrent, fresh, unplug),
		cmocka_unit_test_setup_teardown(test_mmio_range, fresh, unplug),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
