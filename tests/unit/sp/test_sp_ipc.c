// SPDX-License-Identifier: MIT
/* mantle-sp IPC (sp_dispatch.c, sp_ipc.c, sp_launch.c, sp_certs.c): every
 * malformed header and length refused with SP_ST_MALFORMED while serving
 * goes on, LAUNCH's hostile lengths and a second LAUNCH, guest requests
 * before LAUNCH, the certificate table and the CA, and the socket loop. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include <openssl/pem.h>

#include "mantle_bytes.h"
#include "snp_certs.h"
#include "sp_fixture.h"

static struct fx fx;
static uint8_t req[SP_IPC_MSG_MAX + 64], rsp[SP_IPC_MSG_MAX];

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

static int fresh(void **state)
{
	(void)state;
	sp_fini(&fx.sp);
	sp_init(&fx.sp, &fx.chip, &fx_reader);
	return 0;
}

static size_t hdr(uint16_t type, size_t len)
{
	memcpy(req, SP_IPC_MAGIC, 4);
	put_le16(req + 4, type);
	put_le16(req + 6, 0);
	put_le32(req + 8, (uint32_t)len);
	put_le32(req + 12, 0);
	return SP_IPC_HDR_SIZE + len;
}

/* Dispatches req[0..len); returns the status, checks the reply header. */
static uint32_t run(size_t len, size_t *plen)
{
	size_t n = sp_dispatch(&fx.sp, req, len, rsp);

	assert_true(n >= SP_IPC_HDR_SIZE);
	assert_memory_equal(rsp, SP_IPC_MAGIC, 4);
	assert_int_equal(get_le16(rsp + 6), 0);
	assert_int_equal(get_le32(rsp + 8), n - SP_IPC_HDR_SIZE);
	if (plen)
		*plen = n - SP_IPC_HDR_SIZE;
	if (get_le32(rsp + 12) != SP_ST_OK)
		assert_int_equal(n, SP_IPC_HDR_SIZE); /* errors carry nothing */
	return get_le32(rsp + 12);
}

static void test_malformed_headers(void **state)
{
	size_t n;

	(void)state;
	assert_int_equal(run(0, NULL), SP_ST_MALFORMED);
	assert_int_equal(run(15, NULL), SP_ST_MALFORMED);
	n = hdr(SP_IPC_GET_CERTS, 0);
	req[0] = 'X';
	assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
	n = hdr(SP_IPC_GET_CERTS, 0);
	req[6] = 1; /* reserved */
	assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
	n = hdr(SP_IPC_GET_CERTS, 0);
	req[12] = 1; /* status in a request */
	assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
	/* The length field says more, or less, than arrived. */
	n = hdr(SP_IPC_GET_CERTS, 1);
	assert_int_equal(run(n - 1, NULL), SP_ST_MALFORMED);
	n = hdr(SP_IPC_GET_CERTS, 0);
	assert_int_equal(run(n + 1, NULL), SP_ST_MALFORMED);
	put_le32(req + 8, 0xffffffff);
	assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
	/* Unknown types. */
	const uint16_t types[] = { 0, 5, 0x100, 0xffff };
	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		n = hdr(types[i], 0);
		assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
		assert_int_equal(get_le16(rsp + 4), types[i]); /* echoed */
	}
	/* Larger than any request. */
	n = hdr(SP_IPC_GUEST_MSG, SP_IPC_MAX_PAYLOAD + 1);
	assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
	/* Payload where none is defined. */
	n = hdr(SP_IPC_GET_CERTS, 1);
	assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
	n = hdr(SP_IPC_EXPORT_CA, 3);
	assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
	/* Still serving. */
	n = hdr(SP_IPC_GET_CERTS, 0);
	assert_int_equal(run(n, NULL), SP_ST_OK);
	assert_true(fx.sp.stats.malformed >= 14);
}

static size_t launch_req(uint64_t policy, const char *k, const char *i)
{
	return hdr(SP_IPC_LAUNCH,
		   fx_launch_req(req + SP_IPC_HDR_SIZE, policy, k, i,
				 "console=ttyS0 quiet panic=-1"));
}

static void test_launch_hostile(void **state)
{
	size_t n, len;

	(void)state;
	n = launch_req(SP_DEFAULT_POLICY, "kernel", "initrd");
	len = n - SP_IPC_HDR_SIZE;
	/* Every truncation of a good request. */
	for (size_t cut = 0; cut < len; cut++) {
		put_le32(req + 8, (uint32_t)cut);
		assert_int_equal(run(SP_IPC_HDR_SIZE + cut, NULL),
				 SP_ST_MALFORMED);
	}
	/* A trailing byte. */
	n = launch_req(SP_DEFAULT_POLICY, "kernel", "initrd");
	put_le32(req + 8, (uint32_t)(len + 1));
	assert_int_equal(run(n + 1, NULL), SP_ST_MALFORMED);
	/* A string length past the end, and one that swallows the rest. */
	n = launch_req(SP_DEFAULT_POLICY, "kernel", "initrd");
	put_le16(req + SP_IPC_HDR_SIZE + SP_LAUNCH_FIXED, 0xffff);
	assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
	n = launch_req(SP_DEFAULT_POLICY, "kernel", "initrd");
	put_le16(req + SP_IPC_HDR_SIZE + SP_LAUNCH_FIXED, 6 + 2 + 6 + 2);
	assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
	/* A NUL inside a path; an empty path. */
	n = launch_req(SP_DEFAULT_POLICY, "ker\001el", "initrd");
	req[SP_IPC_HDR_SIZE + SP_LAUNCH_FIXED + 2 + 3] = 0;
	assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
	n = launch_req(SP_DEFAULT_POLICY, "", "initrd");
	assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
	/* Policies the firmware refuses. */
	const uint64_t bad_policy[] = {
		SP_DEFAULT_POLICY & ~SNP_POLICY_RSVD1,
		SP_DEFAULT_POLICY | 1ull << 26,
		SP_DEFAULT_POLICY | 1ull << 63,
		(SP_DEFAULT_POLICY & ~0xffffull) | 0x0200, /* ABI 2.0 */
		(SP_DEFAULT_POLICY & ~0xffffull) | 0x0138, /* ABI 1.56 */
	};
	for (size_t i = 0; i < sizeof(bad_policy) / sizeof(bad_policy[0]);
	     i++) {
		n = launch_req(bad_policy[i], "kernel", "initrd");
		assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
	}
	/* The configuration record: version 2, flags, reserved. */
	const size_t cfg[] = { 0, 16, 20 };
	for (size_t i = 0; i < sizeof(cfg) / sizeof(cfg[0]); i++) {
		n = launch_req(SP_DEFAULT_POLICY, "kernel", "initrd");
		req[SP_IPC_HDR_SIZE + SP_LAUNCH_CONFIG_OFF + cfg[i]] ^= 2;
		assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
	}
	/* An image that cannot be read. */
	n = launch_req(SP_DEFAULT_POLICY, "kernel", "missing");
	assert_int_equal(run(n, NULL), SP_ST_IMAGE);
	assert_false(fx.sp.vm.launched);
}

static void test_launch_once(void **state)
{
	uint8_t m[48];
	const uint8_t *page;
	size_t n, len;

	(void)state;
	/* A guest request before LAUNCH. */
	n = hdr(SP_IPC_GUEST_MSG, 100);
	assert_int_equal(run(n, NULL), SP_ST_NOT_LAUNCHED);
	n = launch_req(SP_DEFAULT_POLICY, "kernel", "initrd");
	assert_int_equal(run(n, &len), SP_ST_OK);
	assert_int_equal(len, SP_LAUNCH_REPLY_SIZE);
	fx_hex(FX_MEASUREMENT, m, 48);
	assert_memory_equal(rsp + SP_IPC_HDR_SIZE, m, 48);
	page = rsp + SP_IPC_HDR_SIZE + 48;
	assert_int_equal(get_le32(page), SNP_SECRETS_VERSION);
	for (unsigned int i = 0; i < 4; i++) {
		assert_memory_equal(page + SNP_SECRETS_VMPCK_OFF(i),
				    fx.sp.vm.vmpck[i], 32);
		assert_int_equal(get_le32(page + SNP_SECRETS_SEQNO_OFF(i)), 0);
		if (i)
			assert_memory_not_equal(page + SNP_SECRETS_VMPCK_OFF(i),
						page + SNP_SECRETS_VMPCK_OFF(0),
						32);
	}
	/* The rest of the page after the OS area's counters is zero. */
	for (size_t i = SNP_SECRETS_SEQNO_OFF(4); i < SNP_SECRETS_SIZE; i++)
		assert_int_equal(page[i], 0);
	/* A second LAUNCH is refused and changes nothing. */
	memcpy(m, fx.sp.vm.vmpck[0], 32);
	n = launch_req(SP_DEFAULT_POLICY, "kernel", "initrd");
	assert_int_equal(run(n, NULL), SP_ST_LAUNCHED);
	assert_memory_equal(m, fx.sp.vm.vmpck[0], 32);
	/* Guest messages: refused ones, too big, then a good one. */
	n = hdr(SP_IPC_GUEST_MSG, 100);
	memset(req + SP_IPC_HDR_SIZE, 0, 100);
	assert_int_equal(run(n, NULL), SP_ST_GUEST_MSG);
	n = hdr(SP_IPC_GUEST_MSG, SNP_MSG_PAGE_SIZE + 1);
	assert_int_equal(run(n, NULL), SP_ST_MALFORMED);
	{
		uint8_t r[SNP_REPORT_REQ_SIZE] = { 0 };

		n = hdr(SP_IPC_GUEST_MSG,
			fx_seal(fx.sp.vm.vmpck[0], 1, SNP_MSG_REPORT_REQ, 0, r,
				sizeof(r), req + SP_IPC_HDR_SIZE));
	}
	assert_int_equal(run(n, &len), SP_ST_OK);
	assert_int_equal(len, SNP_MSG_HDR_SIZE + SNP_REPORT_RSP_SIZE);
	/* The same bytes again: a replay, refused without a response. */
	assert_int_equal(run(n, NULL), SP_ST_GUEST_MSG);
}

static X509 *der_at(const uint8_t *t, size_t len, size_t entry,
		    const char *guid)
{
	const uint8_t *e = t + entry * SNP_CERT_ENTRY_SIZE, *p;
	uint8_t g[16];
	uint32_t off = get_le32(e + 16), n = get_le32(e + 20);

	assert_int_equal(snp_guid_bytes(guid, g), 0);
	assert_memory_equal(e, g, 16);
	assert_true(off + (size_t)n <= len);
	p = t + off;
	return d2i_X509(NULL, &p, n);
}

static void test_certs(void **state)
{
	static const uint8_t vcek_guid[16] = { 0x8d, 0x75, 0xda, 0x63,
					       0x64, 0xe6, 0x64, 0x45,
					       0xad, 0xc5, 0xf4, 0xb9,
					       0x3b, 0xe8, 0xac, 0xcd };
	uint8_t g[16], zero[24] = { 0 };
	size_t n, len;
	X509 *x;
	BIO *b;

	(void)state;
	assert_int_equal(snp_guid_bytes(SNP_CERT_GUID_VCEK, g), 0);
	assert_memory_equal(g, vcek_guid, 16);
	assert_int_equal(
		snp_guid_bytes("63da758d-e664-4564-adc5-f4b93be8accX", g), -1);
	assert_int_equal(snp_guid_bytes("63da758d", g), -1);
	n = hdr(SP_IPC_GET_CERTS, 0);
	assert_int_equal(run(n, &len), SP_ST_OK);
	assert_true(len <= SNP_CERT_TABLE_MAX);
	const struct {
		const char *guid;
		X509 *want;
	} ent[] = { { SNP_CERT_GUID_VCEK, fx.chip.vcek_cert },
		    { SNP_CERT_GUID_ASK, fx.chip.ask },
		    { SNP_CERT_GUID_ARK, fx.chip.ark } };
	for (size_t i = 0; i < 3; i++) {
		x = der_at(rsp + SP_IPC_HDR_SIZE, len, i, ent[i].guid);
		assert_non_null(x);
		assert_int_equal(X509_cmp(x, ent[i].want), 0);
		X509_free(x);
	}
	assert_memory_equal(rsp + SP_IPC_HDR_SIZE + 3 * 24, zero, 24);
	/* EXPORT_CA: ASK then ARK. */
	n = hdr(SP_IPC_EXPORT_CA, 0);
	assert_int_equal(run(n, &len), SP_ST_OK);
	b = BIO_new_mem_buf(rsp + SP_IPC_HDR_SIZE, (int)len);
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	assert_int_equal(X509_cmp(x, fx.chip.ask), 0);
	X509_free(x);
	x = PEM_read_bio_X509(b, NULL, NULL, NULL);
	assert_int_equal(X509_cmp(x, fx.chip.ark), 0);
	X509_free(x);
	assert_null(PEM_read_bio_X509(b, NULL, NULL, NULL));
	BIO_free(b);
}

/* The loop over a real socketpair: requests queued, then EOF. */
static void test_serve(void **state)
{
	int sv[2];
	ssize_t r;
	size_t n;
	static uint8_t big[SP_IPC_MSG_MAX + 100];

	(void)state;
	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET, 0, sv), 0);
	n = hdr(SP_IPC_GET_CERTS, 0);
	assert_int_equal(send(sv[0], req, n, 0), (ssize_t)n);
	assert_int_equal(send(sv[0], "MSP1", 4, 0), 4);
	memcpy(big, req, SP_IPC_HDR_SIZE);
	put_le32(big + 8, sizeof(big) - SP_IPC_HDR_SIZE);
	assert_int_equal(send(sv[0], big, sizeof(big), 0),
			 (ssize_t)sizeof(big));
	n = launch_req(SP_DEFAULT_POLICY, "kernel", "initrd");
	assert_int_equal(send(sv[0], req, n, 0), (ssize_t)n);
	shutdown(sv[0], SHUT_WR);
	assert_int_equal(sp_ipc_serve(&fx.sp, sv[1]), 0);
	const uint32_t want[] = { SP_ST_OK, SP_ST_MALFORMED, SP_ST_MALFORMED,
				  SP_ST_OK };
	for (size_t i = 0; i < 4; i++) {
		r = recv(sv[0], rsp, sizeof(rsp), 0);
		assert_true(r >= (ssize_t)SP_IPC_HDR_SIZE);
		assert_int_equal(get_le32(rsp + 12), want[i]);
	}
	close(sv[0]);
	close(sv[1]);
	/* Not a SOCK_SEQPACKET socket: refused. */
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(sp_ipc_serve(&fx.sp, sv[1]), -1);
	close(sv[0]);
	close(sv[1]);
}

/* The default image reader: regular files only, never blocking. */
static void test_read_file(void **state)
{
	char p[128];
	uint8_t *buf;
	size_t len;
	FILE *f;

	(void)state;
	snprintf(p, sizeof(p), "%s/image", fx.tmp);
	f = fopen(p, "wb");
	assert_non_null(f);
	fputs("KERNEL", f);
	fclose(f);
	assert_int_equal(sp_read_file(NULL, p, 100, &buf, &len), 0);
	assert_int_equal(len, 6);
	assert_memory_equal(buf, "KERNEL", 6);
	free(buf);
	assert_int_equal(sp_read_file(NULL, p, 5, &buf, &len), -1); /* big */
	assert_null(buf);
	assert_int_equal(sp_read_file(NULL, fx.tmp, 100, &buf, &len), -1);
	snprintf(p, sizeof(p), "%s/fifo", fx.tmp);
	assert_int_equal(mkfifo(p, 0600), 0);
	assert_int_equal(sp_read_file(NULL, p, 100, &buf, &len), -1);
	snprintf(p, sizeof(p), "%s/missing", fx.tmp);
	assert_int_equal(sp_read_file(NULL, p, 100, &buf, &len), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_malformed_headers, fresh),
		cmocka_unit_test_setup(test_launch_hostile, fresh),
		cmocka_unit_test_setup(test_launch_once, fresh),
		cmocka_unit_test_setup(test_certs, fresh),
		cmocka_unit_test_setup(test_serve, fresh),
		cmocka_unit_test(test_read_file),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
