// SPDX-License-Identifier: MIT
/* The SNP guest-request client (paravisor/snp/snp_guest.h) against an
 * in-process fake firmware built from snp_msg.c, and a host in between that
 * corrupts, replays, reorders, truncates or withholds responses. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "mantle_bytes.h"
#include "snp_guest.h"
#include "snp_msg.h"

static const uint8_t vmpck0[SNP_VMPCK_LEN] = { 0xa0, 1, 2, 3, 4, 5, 6, 7 };

/* What the host does to the firmware's response. */
enum host_mode {
	HOST_OK,
	HOST_CORRUPT, /* flip byte fw.corrupt_at */
	HOST_REPLAY, /* answer with the first response it saw */
	HOST_FUTURE, /* the firmware's answer to a later request */
	HOST_WRONG_TYPE,
	HOST_WRONG_VERSION,
	HOST_WRONG_SEQNO,
	HOST_WRONG_VMPCK,
	HOST_TRUNCATE,
	HOST_WITHHOLD,
	HOST_EMPTY,
	HOST_FW_STATUS, /* authentic response, status INVALID_PARAM */
	HOST_BAD_LAYOUT, /* authentic response, wrong payload size */
};

static struct {
	enum host_mode mode;
	size_t corrupt_at;
	uint64_t last_seqno; /* the firmware's view */
	unsigned requests; /* exchanges that reached the transport */
	uint8_t first[SNP_MSG_PAGE_SIZE];
	size_t first_len;
} fw;

static uint8_t secrets[SNP_SECRETS_SIZE];

static void make_secrets(uint32_t seqno)
{
	memset(secrets, 0, sizeof(secrets));
	put_le32(secrets + SNP_SECRETS_VERSION_OFF, SNP_SECRETS_VERSION);
	memcpy(secrets + SNP_SECRETS_VMPCK_OFF(0), vmpck0, SNP_VMPCK_LEN);
	put_le32(secrets + SNP_SECRETS_SEQNO_OFF(0), seqno);
}

/* The firmware's answer payload for one opened request. */
static uint16_t answer(const struct snp_msg_meta *q, const uint8_t *in,
		       uint8_t *out)
{
	uint32_t status =
		fw.mode == HOST_FW_STATUS ? SNP_STATUS_INVALID_PARAM : 0;

	if (q->type == SNP_MSG_REPORT_REQ) {
		memset(out, 0, SNP_REPORT_RSP_SIZE);
		put_le32(out + SNP_REPORT_RSP_STATUS_OFF, status);
		put_le32(out + SNP_REPORT_RSP_SIZE_OFF, SNP_REPORT_SIZE);
		put_le32(out + SNP_REPORT_RSP_HDR + SNP_R_VERSION, 3);
		memcpy(out + SNP_REPORT_RSP_HDR + SNP_R_REPORT_DATA, in,
		       SNP_REPORT_DATA_LEN);
		return SNP_REPORT_RSP_SIZE;
	}
	memset(out, 0, SNP_KEY_RSP_SIZE);
	put_le32(out + SNP_KEY_RSP_STATUS_OFF, status);
	/* A "derived" key that depends on the request: field select. */
	for (unsigned i = 0; i < SNP_DERIVED_KEY_LEN; i++)
		out[SNP_KEY_RSP_KEY_OFF + i] =
			(uint8_t)(0x40 + i +
				  in[SNP_KEY_OFF(guest_field_select)]);
	return SNP_KEY_RSP_SIZE;
}

/* The fake firmware: open, check the sequence, answer, seal. */
static size_t firmware(const uint8_t *req, size_t len, uint8_t *rsp)
{
	uint8_t in[SNP_MSG_MAX_PAYLOAD], out[SNP_MSG_MAX_PAYLOAD];
	struct snp_msg_meta q, a;

	assert_int_equal(snp_msg_open(vmpck0, req, len, &q, in, sizeof(in)),
			 SNP_MSG_OK);
	assert_int_equal(q.seqno, fw.last_seqno + 1);
	fw.last_seqno = q.seqno + 1;
	a = q;
	a.seqno = q.seqno + 1;
	a.type = (uint8_t)(q.type + 1);
	a.size = answer(&q, in, out);
	if (fw.mode == HOST_BAD_LAYOUT)
		a.size = (uint16_t)(a.size - 1);
	if (fw.mode == HOST_FUTURE)
		a.seqno += 2;
	if (fw.mode == HOST_WRONG_TYPE)
		a.type = SNP_MSG_KEY_RSP + SNP_MSG_REPORT_RSP - a.type;
	if (fw.mode == HOST_WRONG_VERSION)
		a.version = 2;
	if (fw.mode == HOST_WRONG_SEQNO)
		a.seqno = q.seqno;
	if (fw.mode == HOST_WRONG_VMPCK)
		a.vmpck = 1;
	assert_int_equal(snp_msg_seal(vmpck0, &a, out, rsp, SNP_MSG_PAGE_SIZE),
			 SNP_MSG_OK);
	return SNP_MSG_HDR_SIZE + a.size;
}

static int exchange(void *arg, const uint8_t *req, size_t req_len, uint8_t *rsp,
		    size_t rsp_cap, size_t *rsp_len)
{
	size_t n;

	(void)arg;
	assert_true(rsp_cap >= SNP_MSG_PAGE_SIZE);
	fw.requests++;
	n = firmware(req, req_len, rsp);
	if (!fw.first_len) {
		memcpy(fw.first, rsp, n);
		fw.first_len = n;
	}
	switch (fw.mode) {
	case HOST_CORRUPT:
		rsp[fw.corrupt_at % n] ^= 0x01;
		break;
	case HOST_REPLAY:
		memcpy(rsp, fw.first, fw.first_len);
		n = fw.first_len;
		break;
	case HOST_TRUNCATE:
		n = n - 1;
		break;
	case HOST_WITHHOLD:
		return -1;
	case HOST_EMPTY:
		n = 0;
		break;
	default:
		break;
	}
	*rsp_len = n;
	return 0;
}

static const struct snp_guest_transport transport = { exchange, NULL };

static void start(struct snp_guest *g, enum host_mode mode)
{
	memset(&fw, 0, sizeof(fw));
	make_secrets(0);
	fw.mode = mode;
	assert_int_equal(snp_guest_init(g, secrets, 0, &transport),
			 SNP_GUEST_OK);
}

static const uint8_t user_data[SNP_REPORT_DATA_LEN] = { 'm', 'a', 'n' };
static const struct snp_derived_key_req key_req = {
	.guest_field_select = SNP_FIELD_POLICY | SNP_FIELD_GUEST_SVN,
};

static enum snp_guest_err report(struct snp_guest *g)
{
	uint8_t r[SNP_REPORT_SIZE];

	return snp_guest_report(g, user_data, 0, r);
}

static void test_report_and_key(void **state)
{
	struct snp_guest g;
	uint8_t r[SNP_REPORT_SIZE], key[SNP_DERIVED_KEY_LEN];

	(void)state;
	start(&g, HOST_OK);
	assert_int_equal(snp_guest_report(&g, user_data, 0, r), SNP_GUEST_OK);
	assert_memory_equal(r + SNP_R_REPORT_DATA, user_data,
			    SNP_REPORT_DATA_LEN);
	assert_int_equal(g.seqno, 2);
	assert_int_equal(snp_guest_derive_key(&g, &key_req, key), SNP_GUEST_OK);
	assert_int_equal(key[0], 0x40 + 0x11);
	assert_int_equal(key[31], 0x40 + 31 + 0x11);
	assert_int_equal(g.seqno, 4);
	assert_int_equal(fw.last_seqno, 4);
	assert_int_equal(g.retired, 0);
}

/* The stored counter is where the secrets page says, and advances by 2. */
static void test_seqno_from_secrets(void **state)
{
	struct snp_guest g;

	(void)state;
	memset(&fw, 0, sizeof(fw));
	make_secrets(100);
	fw.last_seqno = 100;
	assert_int_equal(snp_guest_init(&g, secrets, 0, &transport),
			 SNP_GUEST_OK);
	assert_int_equal(report(&g), SNP_GUEST_OK);
	assert_int_equal(report(&g), SNP_GUEST_OK);
	assert_int_equal(g.seqno, 104);
}

/* SNP_SEQNO_MAX: the last pair that fits is used, then nothing is sent. */
static void test_seqno_exhausted(void **state)
{
	struct snp_guest g;
	uint32_t last = (uint32_t)(SNP_SEQNO_MAX - 2);

	(void)state;
	memset(&fw, 0, sizeof(fw));
	make_secrets(last);
	fw.last_seqno = last;
	assert_int_equal(snp_guest_init(&g, secrets, 0, &transport),
			 SNP_GUEST_OK);
	assert_int_equal(report(&g), SNP_GUEST_OK);
	assert_int_equal(g.seqno, SNP_SEQNO_MAX);
	assert_int_equal(report(&g), SNP_GUEST_E_SEQNO_EXHAUSTED);
	assert_int_equal(fw.requests, 1);
	assert_int_equal(g.retired, 0); /* nothing was sent */
}

static void test_no_key(void **state)
{
	struct snp_guest g;

	(void)state;
	make_secrets(0);
	assert_int_equal(snp_guest_init(&g, secrets, 1, &transport),
			 SNP_GUEST_E_NO_KEY);
	assert_int_equal(report(&g), SNP_GUEST_E_RETIRED);
	assert_int_equal(snp_guest_init(&g, secrets, 4, &transport),
			 SNP_GUEST_E_INVALID);
}

/* After a hostile response: the key is wiped, every later call refused. */
static void assert_retired(struct snp_guest *g, unsigned requests)
{
	uint8_t zero[SNP_VMPCK_LEN] = { 0 };
	uint8_t key[SNP_DERIVED_KEY_LEN];

	assert_int_equal(g->retired, 1);
	assert_memory_equal(g->vmpck, zero, SNP_VMPCK_LEN);
	fw.mode = HOST_OK;
	assert_int_equal(report(g), SNP_GUEST_E_RETIRED);
	assert_int_equal(snp_guest_derive_key(g, &key_req, key),
			 SNP_GUEST_E_RETIRED);
	assert_int_equal(fw.requests, requests); /* nothing more sent */
}

/* A hostile key response never yields a key: the buffer is untouched. */
static void hostile_key(enum host_mode mode, enum snp_guest_err want)
{
	struct snp_guest g;
	uint8_t key[SNP_DERIVED_KEY_LEN];

	start(&g, mode);
	memset(key, 0xee, sizeof(key));
	assert_int_equal(snp_guest_derive_key(&g, &key_req, key), want);
	for (unsigned i = 0; i < sizeof(key); i++)
		assert_int_equal(key[i], 0xee);
	assert_int_equal(g.seqno, 2);
	assert_retired(&g, 1);
}

static void hostile_report(enum host_mode mode, enum snp_guest_err want)
{
	struct snp_guest g;

	start(&g, mode);
	assert_int_equal(report(&g), want);
	assert_retired(&g, 1);
}

static void test_corrupt_every_byte(void **state)
{
	struct snp_guest g;
	uint8_t key[SNP_DERIVED_KEY_LEN];
	size_t report_len = SNP_MSG_HDR_SIZE + SNP_REPORT_RSP_SIZE;

	(void)state;
	for (size_t i = 0; i < report_len; i++) {
		start(&g, HOST_CORRUPT);
		fw.corrupt_at = i;
		assert_int_equal(report(&g), SNP_GUEST_E_RESPONSE);
		assert_retired(&g, 1);
	}
	for (size_t i = 0; i < SNP_MSG_HDR_SIZE + SNP_KEY_RSP_SIZE; i++) {
		start(&g, HOST_CORRUPT);
		fw.corrupt_at = i;
		memset(key, 0xee, sizeof(key));
		assert_int_equal(snp_guest_derive_key(&g, &key_req, key),
				 SNP_GUEST_E_RESPONSE);
		assert_int_equal(key[0], 0xee);
		assert_retired(&g, 1);
	}
}

/* The host answers the second request with the first response. */
static void test_replay(void **state)
{
	struct snp_guest g;
	uint8_t key[SNP_DERIVED_KEY_LEN];

	(void)state;
	start(&g, HOST_OK);
	assert_int_equal(snp_guest_derive_key(&g, &key_req, key), SNP_GUEST_OK);
	fw.mode = HOST_REPLAY;
	memset(key, 0xee, sizeof(key));
	assert_int_equal(snp_guest_derive_key(&g, &key_req, key),
			 SNP_GUEST_E_RESPONSE);
	assert_int_equal(key[0], 0xee);
	assert_retired(&g, 2);
}

static void test_hostile_responses(void **state)
{
	static const enum host_mode resp[] = {
		HOST_FUTURE,	  HOST_WRONG_TYPE,  HOST_WRONG_VERSION,
		HOST_WRONG_SEQNO, HOST_WRONG_VMPCK, HOST_TRUNCATE,
		HOST_BAD_LAYOUT,
	};

	(void)state;
	for (size_t i = 0; i < sizeof(resp) / sizeof(resp[0]); i++) {
		hostile_key(resp[i], SNP_GUEST_E_RESPONSE);
		hostile_report(resp[i], SNP_GUEST_E_RESPONSE);
	}
	hostile_key(HOST_WITHHOLD, SNP_GUEST_E_TRANSPORT);
	hostile_report(HOST_WITHHOLD, SNP_GUEST_E_TRANSPORT);
	hostile_key(HOST_EMPTY, SNP_GUEST_E_TRANSPORT);
}

/* An authentic error status keeps the key and the sequence in step. */
static void test_firmware_status(void **state)
{
	struct snp_guest g;
	uint8_t key[SNP_DERIVED_KEY_LEN];

	(void)state;
	start(&g, HOST_FW_STATUS);
	memset(key, 0xee, sizeof(key));
	assert_int_equal(snp_guest_derive_key(&g, &key_req, key),
			 SNP_GUEST_E_FIRMWARE);
	assert_int_equal(g.fw_status, SNP_STATUS_INVALID_PARAM);
	assert_int_equal(key[0], 0xee);
	assert_int_equal(report(&g), SNP_GUEST_E_FIRMWARE);
	assert_int_equal(g.retired, 0);
	fw.mode = HOST_OK;
	assert_int_equal(snp_guest_derive_key(&g, &key_req, key), SNP_GUEST_OK);
	assert_int_equal(g.seqno, 6);
}

/* Invalid requests are refused before sending and keep the key. */
static void test_invalid_request(void **state)
{
	struct snp_guest g;
	uint8_t key[SNP_DERIVED_KEY_LEN], r[SNP_REPORT_SIZE];
	struct snp_derived_key_req bad = key_req;

	(void)state;
	start(&g, HOST_OK);
	bad.guest_field_select = 1ull << 6;
	assert_int_equal(snp_guest_derive_key(&g, &bad, key),
			 SNP_GUEST_E_INVALID);
	bad = key_req;
	bad.root_key_select = 2;
	assert_int_equal(snp_guest_derive_key(&g, &bad, key),
			 SNP_GUEST_E_INVALID);
	bad = key_req;
	bad.vmpl = 4;
	assert_int_equal(snp_guest_derive_key(&g, &bad, key),
			 SNP_GUEST_E_INVALID);
	assert_int_equal(snp_guest_report(&g, user_data, 4, r),
			 SNP_GUEST_E_INVALID);
	assert_int_equal(fw.requests, 0);
	assert_int_equal(g.retired, 0);
	assert_int_equal(report(&g), SNP_GUEST_OK);
}

static void test_strerror(void **state)
{
	(void)state;
	for (int e = 0; e < SNP_GUEST_E_COUNT; e++)
		assert_non_null(snp_guest_strerror(e));
	assert_string_equal(snp_guest_strerror(SNP_GUEST_E_COUNT),
			    "unknown error");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_and_key),
		cmocka_unit_test(test_seqno_from_secrets),
		cmocka_unit_test(test_seqno_exhausted),
		cmocka_unit_test(test_no_key),
		cmocka_unit_test(test_corrupt_every_byte),
		cmocka_unit_test(test_replay),
		cmocka_unit_test(test_hostile_responses),
		cmocka_unit_test(test_firmware_status),
		cmocka_unit_test(test_invalid_request),
		cmocka_unit_test(test_strerror),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
