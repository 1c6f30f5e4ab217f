// SPDX-License-Identifier: MIT
/* mantle-sp GUEST_MSG (sp_guest.c): a good request, every sequence number
 * rule, wrong VMPCK, tampered messages, wrong type/version/size, VMPL below
 * the key's, reserved bits, and the firmware's count. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mantle_bytes.h"
#include "sp_fixture.h"

static struct fx fx;
static uint8_t msg[SNP_MSG_PAGE_SIZE], out[SNP_MSG_PAGE_SIZE];
static uint8_t plain[SNP_MSG_MAX_PAYLOAD];

static int setup(void **state)
{
	(void)state;
	fx_open(&fx);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_close(&fx);
	return 0;
}

/* Each test starts from a fresh launch: new VMPCKs, counters zero. */
static int relaunch(void **state)
{
	(void)state;
	sp_fini(&fx.sp);
	sp_init(&fx.sp, &fx.chip, &fx_reader);
	fx_launch(&fx);
	return 0;
}

static size_t report_req(unsigned int vmpck, uint64_t seqno, uint32_t vmpl)
{
	uint8_t req[SNP_REPORT_REQ_SIZE] = { 0 };

	for (int i = 0; i < 64; i++)
		req[i] = (uint8_t)(0xa0 + i);
	put_le32(req + 0x40, vmpl);
	return fx_seal(fx_vmpck(&fx, vmpck), seqno, SNP_MSG_REPORT_REQ,
		       (uint8_t)vmpck, req, sizeof(req), msg);
}

static enum sp_guest_err handle(size_t len, size_t *out_len)
{
	return sp_guest_handle(&fx.sp.vm, &fx.chip, msg, len, out, out_len);
}

/* Sends msg, expects a response under vmpck with seqno; returns the
 * response's status word and leaves its payload in plain. */
static uint32_t exchange_ok(size_t len, unsigned int vmpck, uint64_t seqno,
			    uint8_t rsp_type, uint16_t rsp_size)
{
	struct snp_msg_meta m;
	size_t n;

	assert_int_equal(handle(len, &n), SP_GUEST_OK);
	assert_int_equal(n, SNP_MSG_HDR_SIZE + rsp_size);
	assert_int_equal(snp_msg_open(fx_vmpck(&fx, vmpck), out, n, &m, plain,
				      sizeof(plain)),
			 SNP_MSG_OK);
	assert_int_equal(m.seqno, seqno + 1);
	assert_int_equal(m.type, rsp_type);
	assert_int_equal(m.vmpck, vmpck);
	assert_int_equal(m.version, SNP_MSG_VERSION);
	return get_le32(plain);
}

static void test_good_report(void **state)
{
	(void)state;
	assert_int_equal(exchange_ok(report_req(0, 1, 0), 0, 1,
				     SNP_MSG_REPORT_RSP, SNP_REPORT_RSP_SIZE),
			 SNP_STATUS_SUCCESS);
	assert_int_equal(get_le32(plain + 4), SNP_REPORT_SIZE);
	assert_int_equal(plain[0x20 + SNP_R_REPORT_DATA], 0xa0);
	assert_int_equal(get_le32(plain + 0x20 + SNP_R_VMPL), 0);
	/* The firmware's count moved by two; the next request is 3. */
	assert_int_equal(fx.sp.vm.seqno[0], 2);
	assert_int_equal(exchange_ok(report_req(0, 3, 2), 0, 3,
				     SNP_MSG_REPORT_RSP, SNP_REPORT_RSP_SIZE),
			 SNP_STATUS_SUCCESS);
	assert_int_equal(get_le32(plain + 0x20 + SNP_R_VMPL), 2);
}

static void test_seqno_rules(void **state)
{
	size_t n, len;

	(void)state;
	/* Skipped: 2 or 3 before 1. */
	assert_int_equal(handle(report_req(0, 2, 0), &n), SP_GUEST_E_SEQNO);
	assert_int_equal(handle(report_req(0, 3, 0), &n), SP_GUEST_E_SEQNO);
	assert_int_equal(n, 0);
	/* Zero is never valid (header check). */
	memset(msg, 0, sizeof(msg));
	len = report_req(0, 1, 0);
	put_le64(msg + 0x20, 0);
	assert_int_equal(handle(len, &n), SP_GUEST_E_HEADER);
	/* A refused request consumed nothing: 1 still works. */
	len = report_req(0, 1, 0);
	exchange_ok(len, 0, 1, SNP_MSG_REPORT_RSP, SNP_REPORT_RSP_SIZE);
	/* Replayed, byte for byte. */
	assert_int_equal(handle(len, &n), SP_GUEST_E_SEQNO);
	/* The response's own number, and one skipped. */
	assert_int_equal(handle(report_req(0, 2, 0), &n), SP_GUEST_E_SEQNO);
	assert_int_equal(handle(report_req(0, 4, 0), &n), SP_GUEST_E_SEQNO);
	exchange_ok(report_req(0, 3, 0), 0, 3, SNP_MSG_REPORT_RSP,
		    SNP_REPORT_RSP_SIZE);
	assert_int_equal(fx.sp.vm.seqno[0], 4);
	/* Each VMPCK has its own counter. */
	exchange_ok(report_req(1, 1, 1), 1, 1, SNP_MSG_REPORT_RSP,
		    SNP_REPORT_RSP_SIZE);
}

static void test_seqno_exhausted(void **state)
{
	size_t n;

	(void)state;
	/* The response would need 2^32 - 1, which the guest cannot store. */
	fx.sp.vm.seqno[0] = (uint32_t)SNP_SEQNO_MAX - 1;
	assert_int_equal(handle(report_req(0, SNP_SEQNO_MAX, 0), &n),
			 SP_GUEST_E_SEQNO);
	fx.sp.vm.seqno[0] = (uint32_t)SNP_SEQNO_MAX - 2;
	exchange_ok(report_req(0, SNP_SEQNO_MAX - 1, 0), 0, SNP_SEQNO_MAX - 1,
		    SNP_MSG_REPORT_RSP, SNP_REPORT_RSP_SIZE);
}

static void test_wrong_vmpck(void **state)
{
	uint8_t req[SNP_REPORT_REQ_SIZE] = { 0 };
	size_t n, len;

	(void)state;
	/* Sealed under VMPCK1 but the header names VMPCK0 (and the reverse). */
	len = fx_seal(fx_vmpck(&fx, 1), 1, SNP_MSG_REPORT_REQ, 0, req,
		      sizeof(req), msg);
	assert_int_equal(handle(len, &n), SP_GUEST_E_AUTH);
	len = fx_seal(fx_vmpck(&fx, 0), 1, SNP_MSG_REPORT_REQ, 1, req,
		      sizeof(req), msg);
	assert_int_equal(handle(len, &n), SP_GUEST_E_AUTH);
	/* Key index 4 does not exist. */
	len = report_req(0, 1, 0);
	msg[0x3C] = 4;
	assert_int_equal(handle(len, &n), SP_GUEST_E_HEADER);
	assert_int_equal(fx.sp.vm.seqno[0], 0);
	assert_int_equal(fx.sp.vm.seqno[1], 0);
}

static void test_tampered(void **state)
{
	size_t n, len = report_req(0, 1, 0);
	/* The tag, the seqno, an AAD byte (type), the payload. */
	const size_t at[] = {
		0, 15, 0x20, 0x34, 0x36, SNP_MSG_HDR_SIZE, SNP_MSG_HDR_SIZE + 95
	};

	(void)state;
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		len = report_req(0, 1, 0);
		msg[at[i]] ^= 0x01;
		assert_int_not_equal(handle(len, &n), SP_GUEST_OK);
		assert_int_equal(n, 0);
	}
	/* The unused tag half and a reserved byte: header refused. */
	len = report_req(0, 1, 0);
	msg[20] = 1;
	assert_int_equal(handle(len, &n), SP_GUEST_E_HEADER);
	len = report_req(0, 1, 0);
	msg[0x50] = 1;
	assert_int_equal(handle(len, &n), SP_GUEST_E_HEADER);
	/* Short: cut inside the payload. */
	len = report_req(0, 1, 0);
	assert_int_equal(handle(len - 1, &n), SP_GUEST_E_HEADER);
	assert_int_equal(handle(10, &n), SP_GUEST_E_HEADER);
	assert_int_equal(fx.sp.vm.seqno[0], 0);
}

static void test_wrong_type_version_size(void **state)
{
	uint8_t req[SNP_REPORT_REQ_SIZE] = { 0 };
	struct snp_msg_meta m = { 1, SNP_MSG_REPORT_REQ, 2, 0, sizeof(req) };
	size_t n, len;

	(void)state;
	len = fx_seal(fx_vmpck(&fx, 0), 1, SNP_MSG_CPUID_REQ, 0, req,
		      sizeof(req), msg);
	assert_int_equal(handle(len, &n), SP_GUEST_E_TYPE);
	len = fx_seal(fx_vmpck(&fx, 0), 1, SNP_MSG_REPORT_RSP, 0, req,
		      sizeof(req), msg);
	assert_int_equal(handle(len, &n), SP_GUEST_E_TYPE);
	len = fx_seal(fx_vmpck(&fx, 0), 1, 200, 0, req, sizeof(req), msg);
	assert_int_equal(handle(len, &n), SP_GUEST_E_TYPE);
	assert_int_equal(
		snp_msg_seal(fx_vmpck(&fx, 0), &m, req, msg, sizeof(msg)),
		SNP_MSG_OK);
	assert_int_equal(handle(SNP_MSG_HDR_SIZE + sizeof(req), &n),
			 SP_GUEST_E_VERSION);
	len = fx_seal(fx_vmpck(&fx, 0), 1, SNP_MSG_REPORT_REQ, 0, req,
		      sizeof(req) - 1, msg);
	assert_int_equal(handle(len, &n), SP_GUEST_E_SIZE);
	len = fx_seal(fx_vmpck(&fx, 0), 1, SNP_MSG_KEY_REQ, 0, req,
		      SNP_KEY_REQ_SIZE + 1, msg);
	assert_int_equal(handle(len, &n), SP_GUEST_E_SIZE);
	/* None of these consumed a sequence number. */
	exchange_ok(report_req(0, 1, 0), 0, 1, SNP_MSG_REPORT_RSP,
		    SNP_REPORT_RSP_SIZE);
}

static void test_vmpl_and_reserved(void **state)
{
	uint8_t req[SNP_REPORT_REQ_SIZE] = { 0 };
	size_t len;

	(void)state;
	/* VMPCK2 belongs to VMPL 2: VMPL 1 is above its privilege. */
	assert_int_equal(exchange_ok(report_req(2, 1, 1), 2, 1,
				     SNP_MSG_REPORT_RSP, SNP_REPORT_RSP_SIZE),
			 SNP_STATUS_INVALID_PARAM);
	assert_int_equal(get_le32(plain + 4), 0); /* no report */
	assert_int_equal(plain[0x20 + SNP_R_VERSION], 0);
	/* The error response consumed its numbers, as the PSP's does. */
	assert_int_equal(fx.sp.vm.seqno[2], 2);
	assert_int_equal(exchange_ok(report_req(2, 3, 2), 2, 3,
				     SNP_MSG_REPORT_RSP, SNP_REPORT_RSP_SIZE),
			 SNP_STATUS_SUCCESS);
	assert_int_equal(exchange_ok(report_req(0, 1, 4), 0, 1,
				     SNP_MSG_REPORT_RSP, SNP_REPORT_RSP_SIZE),
			 SNP_STATUS_INVALID_PARAM);
	req[0x40 + 4 + 27] = 1; /* the last reserved byte */
	len = fx_seal(fx_vmpck(&fx, 0), 3, SNP_MSG_REPORT_REQ, 0, req,
		      sizeof(req), msg);
	assert_int_equal(
		exchange_ok(len, 0, 3, SNP_MSG_REPORT_RSP, SNP_REPORT_RSP_SIZE),
		SNP_STATUS_INVALID_PARAM);
}

static uint32_t key_req(unsigned int vmpck, uint64_t seqno,
			const struct snp_derived_key_req *r)
{
	uint8_t req[SNP_KEY_REQ_SIZE];
	size_t len;

	put_le32(req + 0, r->root_key_select);
	put_le32(req + 4, r->rsvd);
	put_le64(req + 8, r->guest_field_select);
	put_le32(req + 16, r->vmpl);
	put_le32(req + 20, r->guest_svn);
	put_le64(req + 24, r->tcb_version);
	len = fx_seal(fx_vmpck(&fx, vmpck), seqno, SNP_MSG_KEY_REQ,
		      (uint8_t)vmpck, req, sizeof(req), msg);
	return exchange_ok(len, vmpck, seqno, SNP_MSG_KEY_RSP,
			   SNP_KEY_RSP_SIZE);
}

static void test_key(void **state)
{
	struct snp_derived_key_req r = { .guest_field_select = SNP_FIELD_ALL };
	uint8_t want[SNP_DERIVED_KEY_LEN], zero[SNP_DERIVED_KEY_LEN] = { 0 };
	uint64_t seq = 1;

	(void)state;
	assert_int_equal(key_req(0, seq, &r), SNP_STATUS_SUCCESS);
	assert_memory_not_equal(plain + 0x20, zero, sizeof(zero));
	assert_int_equal(sp_kdf_derive(&fx.chip, &fx.sp.vm, &r, 0, want),
			 SNP_STATUS_SUCCESS);
	assert_memory_equal(plain + 0x20, want, sizeof(want));
	/* Refused inside a valid response, key all zero. */
	const struct snp_derived_key_req bad[] = {
		{ .root_key_select = 2 },
		{ .rsvd = 1 },
		{ .guest_field_select = SNP_FIELD_ALL + 1 },
		{ .vmpl = 4 },
		{ .guest_svn = 1 },
		{ .tcb_version = SNP_TCB(2, 1, 1, 1) },
		{ .tcb_version = 1ull << 16 }, /* a reserved TCB byte */
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		seq += 2;
		assert_int_equal(key_req(0, seq, &bad[i]),
				 SNP_STATUS_INVALID_PARAM);
		assert_memory_equal(plain + 0x20, zero, sizeof(zero));
	}
	/* VMPCK3 asks for a VMPL 0 key. */
	r.vmpl = 0;
	assert_int_equal(key_req(3, 1, &r), SNP_STATUS_INVALID_PARAM);
	r.vmpl = 3;
	assert_int_equal(key_req(3, 3, &r), SNP_STATUS_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_good_report, relaunch),
		cmocka_unit_test_setup(test_seqno_rules, relaunch),
		cmocka_unit_test_setup(test_seqno_exhausted, relaunch),
		cmocka_unit_test_setup(test_wrong_vmpck, relaunch),
		cmocka_unit_test_setup(test_tampered, relaunch),
		cmocka_unit_test_setup(test_wrong_type_version_size, relaunch),
		cmocka_unit_test_setup(test_vmpl_and_reserved, relaunch),
		cmocka_unit_test_setup(test_key, relaunch),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
