// SPDX-License-Identifier: MIT
/* SNP guest message sealing and opening (paravisor/snp/snp_msg.h): round
 * trips, every header byte and payload byte tampered, every header rule. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mantle_bytes.h"
#include "snp_msg.h"

static const uint8_t key[SNP_VMPCK_LEN] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
static const uint8_t other[SNP_VMPCK_LEN] = { 9, 8, 7 };

static uint8_t msg[SNP_MSG_PAGE_SIZE];
static uint8_t out[SNP_MSG_MAX_PAYLOAD];

static const struct snp_msg_meta meta = {
	.seqno = 7,
	.type = SNP_MSG_REPORT_REQ,
	.version = SNP_MSG_VERSION,
	.vmpck = 0,
	.size = SNP_REPORT_REQ_SIZE,
};

static size_t seal(void)
{
	uint8_t payload[SNP_REPORT_REQ_SIZE];

	for (size_t i = 0; i < sizeof(payload); i++)
		payload[i] = (uint8_t)i;
	memset(msg, 0, sizeof(msg));
	assert_int_equal(snp_msg_seal(key, &meta, payload, msg, sizeof(msg)),
			 SNP_MSG_OK);
	return SNP_MSG_HDR_SIZE + meta.size;
}

static void test_round_trip(void **state)
{
	struct snp_msg_meta m;
	size_t n = seal();

	(void)state;
	/* The header says what was sealed, in the ABI's places. */
	assert_int_equal(get_le64(msg + 0x20), 7);
	assert_int_equal(msg[0x30], 1);
	assert_int_equal(msg[0x31], 1);
	assert_int_equal(get_le16(msg + 0x32), 96);
	assert_int_equal(msg[0x34], SNP_MSG_REPORT_REQ);
	assert_int_equal(get_le16(msg + 0x36), SNP_REPORT_REQ_SIZE);
	/* Encrypted: the payload does not show. */
	assert_int_not_equal(msg[SNP_MSG_HDR_SIZE + 5], 5);
	assert_int_equal(snp_msg_open(key, msg, n, &m, out, sizeof(out)),
			 SNP_MSG_OK);
	assert_memory_equal(&m, &meta, sizeof(m));
	for (size_t i = 0; i < meta.size; i++)
		assert_int_equal(out[i], (uint8_t)i);
	/* A whole page is fine: bytes after the message are ignored. */
	assert_int_equal(
		snp_msg_open(key, msg, sizeof(msg), &m, out, sizeof(out)),
		SNP_MSG_OK);
}

static void test_wrong_key(void **state)
{
	struct snp_msg_meta m;
	size_t n = seal();

	(void)state;
	assert_int_equal(snp_msg_open(other, msg, n, &m, out, sizeof(out)),
			 SNP_MSG_E_AUTH);
	assert_int_equal(m.seqno, 0);
	for (size_t i = 0; i < meta.size; i++)
		assert_int_equal(out[i], 0);
}

/* Every byte of header and payload, flipped: always refused. */
static void test_every_byte_tampered(void **state)
{
	struct snp_msg_meta m;
	size_t n = seal();

	(void)state;
	for (size_t i = 0; i < n; i++) {
		msg[i] ^= 0x01;
		assert_int_not_equal(
			snp_msg_open(key, msg, n, &m, out, sizeof(out)),
			SNP_MSG_OK);
		msg[i] ^= 0x01;
	}
	assert_int_equal(snp_msg_open(key, msg, n, &m, out, sizeof(out)),
			 SNP_MSG_OK);
}

static void expect(size_t off, uint8_t value, enum snp_msg_err e)
{
	struct snp_msg_meta m;
	size_t n = seal();

	msg[off] = value;
	assert_int_equal(snp_msg_open(key, msg, n, &m, out, sizeof(out)), e);
	assert_int_equal(snp_msg_peek(msg, n, &m), e);
}

static void test_header_rules(void **state)
{
	struct snp_msg_meta m;
	size_t n;

	(void)state;
	expect(0x30, 2, SNP_MSG_E_ALGO);
	expect(0x31, 2, SNP_MSG_E_HDR_VERSION);
	expect(0x32, 97, SNP_MSG_E_HDR_SIZE);
	expect(0x18, 1, SNP_MSG_E_RESERVED); /* unused tag half */
	expect(0x28, 1, SNP_MSG_E_RESERVED);
	expect(0x38, 1, SNP_MSG_E_RESERVED);
	expect(0x5F, 1, SNP_MSG_E_RESERVED);
	expect(0x3C, 4, SNP_MSG_E_VMPCK);
	n = seal();
	put_le64(msg + 0x20, 0);
	assert_int_equal(snp_msg_open(key, msg, n, &m, out, sizeof(out)),
			 SNP_MSG_E_SEQNO);
	put_le64(msg + 0x20, SNP_SEQNO_MAX + 1);
	assert_int_equal(snp_msg_peek(msg, n, &m), SNP_MSG_E_SEQNO);
	n = seal();
	put_le16(msg + 0x36, SNP_MSG_MAX_PAYLOAD + 1);
	assert_int_equal(snp_msg_peek(msg, sizeof(msg), &m), SNP_MSG_E_TOO_BIG);
	/* Truncated: header, then payload. */
	n = seal();
	assert_int_equal(snp_msg_open(key, msg, 95, &m, out, sizeof(out)),
			 SNP_MSG_E_SHORT);
	assert_int_equal(snp_msg_open(key, msg, n - 1, &m, out, sizeof(out)),
			 SNP_MSG_E_SHORT);
	/* A payload larger than the caller's buffer. */
	assert_int_equal(snp_msg_open(key, msg, n, &m, out, 10),
			 SNP_MSG_E_TOO_BIG);
}

static void test_seal_rules(void **state)
{
	struct snp_msg_meta m = meta;

	(void)state;
	m.seqno = 0;
	assert_int_equal(snp_msg_seal(key, &m, out, msg, sizeof(msg)),
			 SNP_MSG_E_SEQNO);
	m = meta;
	m.vmpck = 4;
	assert_int_equal(snp_msg_seal(key, &m, out, msg, sizeof(msg)),
			 SNP_MSG_E_VMPCK);
	m = meta;
	assert_int_equal(snp_msg_seal(key, &m, out, msg, 100),
			 SNP_MSG_E_TOO_BIG);
	m.size = 0; /* an empty payload is a valid message */
	assert_int_equal(snp_msg_seal(key, &m, out, msg, sizeof(msg)),
			 SNP_MSG_OK);
	assert_int_equal(snp_msg_open(key, msg, SNP_MSG_HDR_SIZE, &m, out, 0),
			 SNP_MSG_OK);
	assert_string_equal(snp_msg_errname(SNP_MSG_E_AUTH), "AUTH");
	assert_non_null(snp_msg_strerror(SNP_MSG_E_COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_wrong_key),
		cmocka_unit_test(test_every_byte_tampered),
		cmocka_unit_test(test_header_rules),
		cmocka_unit_test(test_seal_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
