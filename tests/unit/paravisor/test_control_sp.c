// SPDX-License-Identifier: MIT
/*
 * The paravisor's secure processor over the control channel
 * (paravisor/vmm/control_sp.c) against the real hostif server on a
 * socketpair, with a fake firmware behind the server built from snp_msg.c:
 * VMPCK0 works and the VCEK is found; a secrets file of the wrong size is
 * refused; a host that corrupts, replays or withholds responses gets the key
 * retired; the certificate-table parser takes hostile tables.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "control_sp.h"
#include "mantle_bytes.h"
#include "pair.h"
#include "snp_certs.h"
#include "snp_msg.h"

static const uint8_t vmpck0[SNP_VMPCK_LEN] = { 0x5e, 0xc4, 3, 4, 5, 6 };
static char dir_path[256], secrets_path[300];

/* The GUIDs' table bytes (mixed-endian) of VCEK and ARK. */
static const uint8_t vcek_guid[16] = { 0x8d, 0x75, 0xda, 0x63, 0x64, 0xe6,
				       0x64, 0x45, 0xad, 0xc5, 0xf4, 0xb9,
				       0x3b, 0xe8, 0xac, 0xcd };
static const uint8_t ark_guid[16] = { 0xa4, 0x06, 0xb4, 0xc0, 0x03, 0xa8,
				      0x52, 0x49, 0x97, 0x43, 0x3f, 0xb6,
				      0x01, 0x4c, 0xd0, 0xae };

static uint64_t fw_seqno;

static int fw_msg(void *arg, const uint8_t *req, size_t len, uint8_t *out,
		  size_t cap, size_t *out_len)
{
	uint8_t in[SNP_MSG_MAX_PAYLOAD], rsp[SNP_REPORT_RSP_SIZE] = { 0 };
	struct snp_msg_meta q, a;

	(void)arg;
	if (snp_msg_open(vmpck0, req, len, &q, in, sizeof(in)) ||
	    q.seqno != fw_seqno + 1 || q.type != SNP_MSG_REPORT_REQ)
		return HOSTIF_S_SP_REFUSED;
	fw_seqno = q.seqno + 1;
	put_le32(rsp + SNP_REPORT_RSP_SIZE_OFF, SNP_REPORT_SIZE);
	memcpy(rsp + SNP_REPORT_RSP_HDR + SNP_R_REPORT_DATA, in,
	       SNP_REPORT_DATA_LEN);
	a = (struct snp_msg_meta){ .seqno = q.seqno + 1,
				   .type = SNP_MSG_REPORT_RSP,
				   .version = q.version,
				   .vmpck = 0,
				   .size = SNP_REPORT_RSP_SIZE };
	if (snp_msg_seal(vmpck0, &a, rsp, out, cap))
		return HOSTIF_S_SP_DOWN;
	*out_len = SNP_MSG_HDR_SIZE + a.size;
	return HOSTIF_S_OK;
}

/* A table: ARK (10 bytes), VCEK (1234 bytes), terminator. */
static size_t make_table(uint8_t *t)
{
	size_t data = 3 * SNP_CERT_ENTRY_SIZE;

	memset(t, 0, data + 10 + 1234);
	memcpy(t, ark_guid, 16);
	put_le32(t + 16, (uint32_t)data);
	put_le32(t + 20, 10);
	memcpy(t + 24, vcek_guid, 16);
	put_le32(t + 40, (uint32_t)data + 10);
	put_le32(t + 44, 1234);
	return data + 10 + 1234;
}

static int fw_certs(void *arg, uint8_t *out, size_t cap, size_t *out_len)
{
	(void)arg;
	(void)cap;
	*out_len = make_table(out);
	return HOSTIF_S_OK;
}

static void write_secrets(size_t size)
{
	uint8_t page[SNP_SECRETS_SIZE + 1] = { 0 };
	FILE *f = fopen(secrets_path, "wb");

	assert_non_null(f);
	memcpy(page + SNP_SECRETS_VMPCK_OFF(0), vmpck0, SNP_VMPCK_LEN);
	assert_int_equal(fwrite(page, 1, size, f), size);
	fclose(f);
}

/* One session: HELLO, then control_sp_open under spec (NULL: honest). */
static int session(const char *spec, unsigned timeout_ms, struct control_sp *s)
{
	struct hostif_server_cfg scfg = { .features = HOSTIF_F_KNOWN,
					  .sp_msg = fw_msg,
					  .sp_certs = fw_certs };
	struct hostif_client_cfg cfg = { .features = HOSTIF_F_KNOWN,
					 .timeout_ms = timeout_ms };
	struct hostif_client *c;
	struct pair p;
	int r;

	fw_seqno = 0;
	assert_int_equal(pair_start(&p, NULL, spec, &scfg), 0);
	assert_int_equal(hostif_client_new(p.pv_fd, &cfg, &c), 0);
	assert_int_equal(hostif_client_hello(c), 0);
	r = control_sp_open(s, c, secrets_path);
	if (!r) {
		/* The client is usable for the VMGS code until the channel
		 * goes to the control thread. */
		uint8_t data[SNP_REPORT_DATA_LEN] = { 9 }, rep[SNP_REPORT_SIZE];

		assert_non_null(control_sp_guest(s));
		assert_int_equal(
			snp_guest_report(control_sp_guest(s), data, 0, rep),
			SNP_GUEST_OK);
		s->closed = 1;
		assert_null(control_sp_guest(s));
	}
	hostif_client_free(c);
	pair_stop(&p);
	return r;
}

static void test_ready(void **state)
{
	static struct control_sp s;

	(void)state;
	write_secrets(SNP_SECRETS_SIZE);
	assert_int_equal(session(NULL, 10000, &s), 0);
	assert_int_equal(s.vcek_len, 1234);
	assert_int_equal(fw_seqno, 6); /* two self-test reports, one more */
}

static void test_wrong_size(void **state)
{
	static struct control_sp s;

	(void)state;
	write_secrets(SNP_SECRETS_SIZE - 1);
	assert_int_equal(session(NULL, 10000, &s), -1);
	assert_null(control_sp_guest(&s));
	write_secrets(SNP_SECRETS_SIZE + 1);
	assert_int_equal(session(NULL, 10000, &s), -1);
	assert_int_equal(fw_seqno, 0); /* nothing was sent */
	unlink(secrets_path);
	assert_int_equal(session(NULL, 10000, &s), -1);
}

/* Each hostile relay: the key is retired and wiped, never ready. */
static void test_hostile(void **state)
{
	static const char *const specs[] = { "sp-corrupt=1", "sp-replay=1",
					     "sp-withhold=1" };
	static struct control_sp s;
	uint8_t zero[SNP_VMPCK_LEN] = { 0 };

	(void)state;
	write_secrets(SNP_SECRETS_SIZE);
	for (size_t i = 0; i < sizeof(specs) / sizeof(specs[0]); i++) {
		assert_int_equal(session(specs[i], 100, &s), -1);
		assert_int_equal(s.g.retired, 1);
		assert_memory_equal(s.g.vmpck, zero, SNP_VMPCK_LEN);
		assert_null(control_sp_guest(&s));
	}
}

static void test_cert_find(void **state)
{
	uint8_t t[4096];
	size_t n = make_table(t), off = 0;

	(void)state;
	assert_int_equal(snp_cert_find(t, n, SNP_CERT_GUID_VCEK, &off), 1234);
	assert_int_equal(off, 3 * SNP_CERT_ENTRY_SIZE + 10);
	assert_int_equal(snp_cert_find(t, n, SNP_CERT_GUID_ARK, &off), 10);
	assert_int_equal(snp_cert_find(t, n, SNP_CERT_GUID_ASK, &off), 0);
	/* Cut inside the table: no terminator seen, nothing beyond. */
	assert_int_equal(snp_cert_find(t, 30, SNP_CERT_GUID_VCEK, &off), 0);
	/* An entry pointing past the end, or wrapping. */
	put_le32(t + 44, 1235);
	assert_int_equal(snp_cert_find(t, n, SNP_CERT_GUID_VCEK, &off), 0);
	put_le32(t + 40, 0xffffffffu);
	put_le32(t + 44, 2);
	assert_int_equal(snp_cert_find(t, n, SNP_CERT_GUID_VCEK, &off), 0);
	assert_int_equal(snp_cert_find(t, 0, SNP_CERT_GUID_VCEK, &off), 0);
}

static int setup(void **state)
{
	char *d = pair_tmpdir();

	(void)state;
	if (!d)
		return -1;
	snprintf(dir_path, sizeof(dir_path), "%s", d);
	snprintf(secrets_path, sizeof(secrets_path), "%s/secrets", d);
	free(d);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	unlink(secrets_path);
	rmdir(dir_path);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ready),
		cmocka_unit_test(test_wrong_size),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_cert_find),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
