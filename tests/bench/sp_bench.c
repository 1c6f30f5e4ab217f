// SPDX-License-Identifier: MIT
/*
 * make bench-sp, the simulator's own part: report signing per second
 * (sp_report_build: fill + ECDSA P-384 + R/S conversion) against raw
 * OpenSSL P-384 ECDSA signing of the same 0x2A0 bytes; key derivations per
 * second (sp_kdf_derive, all fields selected) and a whole MSG_KEY_REQ
 * through sp_dispatch (seal, open, seqno, derive, seal, open) against raw
 * AES-256-GCM of one 4 KiB message. Same process, same run, interleaved
 * rounds, best round of each side. A chip in a temporary state directory.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mantle_bytes.h"
#include "snp_msg.h"
#include "sp.h"

#define ROUNDS 5
#define ROUND_SECONDS 0.4

static struct sp_chip chip;
static struct sp sp;
static uint8_t report[SNP_REPORT_SIZE], data[64];
static uint8_t req[SP_IPC_MSG_MAX], rsp[SP_IPC_MSG_MAX];
static uint8_t page[4096], ct[4096 + 16];
static EVP_PKEY *ec;
static int bad;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int mem_read(void *arg, const char *path, uint64_t max, uint8_t **buf,
		    size_t *len)
{
	(void)arg;
	(void)max;
	*len = strlen(path);
	*buf = malloc(*len);
	if (!*buf)
		return -1;
	memcpy(*buf, path, *len);
	return 0;
}

static void op_report(void)
{
	bad |= sp_report_build(&chip, &sp.vm, data, 0, report);
}

static void op_ecdsa(void)
{
	EVP_MD_CTX *m = EVP_MD_CTX_new();
	uint8_t sig[128];
	size_t n = sizeof(sig);

	bad |= EVP_DigestSignInit(m, NULL, EVP_sha384(), NULL, ec) != 1 ||
	       EVP_DigestSign(m, sig, &n, report, SNP_R_SIGNED_LEN) != 1;
	EVP_MD_CTX_free(m);
}

static void op_derive(void)
{
	const struct snp_derived_key_req r = { .guest_field_select =
						       SNP_FIELD_ALL };
	uint8_t key[32];

	bad |= sp_kdf_derive(&chip, &sp.vm, &r, 0, key) != 0;
}

static void op_gcm(void)
{
	static const uint8_t key[32], iv[12];
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	int l;

	bad |= !EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, key, iv) ||
	       !EVP_EncryptUpdate(c, ct, &l, page, sizeof(page)) ||
	       !EVP_EncryptFinal_ex(c, ct + l, &l) ||
	       !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16,
				    ct + sizeof(page));
	EVP_CIPHER_CTX_free(c);
}

/* The guest's side too: seal the request, open the response. */
static void op_guest_key(void)
{
	uint8_t k[SNP_KEY_REQ_SIZE] = { 0 }, out[SNP_KEY_RSP_SIZE];
	struct snp_msg_meta m = { (uint64_t)sp.vm.seqno[0] + 1, SNP_MSG_KEY_REQ,
				  1, 0, sizeof(k) };
	size_t n;

	put_le64(k + 8, SNP_FIELD_ALL);
	memcpy(req, SP_IPC_MAGIC, 4);
	put_le16(req + 4, SP_IPC_GUEST_MSG);
	put_le16(req + 6, 0);
	put_le32(req + 8, SNP_MSG_HDR_SIZE + sizeof(k));
	put_le32(req + 12, 0);
	bad |= snp_msg_seal(sp.vm.vmpck[0], &m, k, req + SP_IPC_HDR_SIZE,
			    SNP_MSG_PAGE_SIZE) != 0;
	n = sp_dispatch(&sp, req,
			SP_IPC_HDR_SIZE + SNP_MSG_HDR_SIZE + sizeof(k), rsp);
	bad |= get_le32(rsp + 12) != SP_ST_OK ||
	       snp_msg_open(sp.vm.vmpck[0], rsp + SP_IPC_HDR_SIZE,
			    n - SP_IPC_HDR_SIZE, &m, out, sizeof(out)) != 0;
}

/* Best rate of op over ROUNDS rounds, interleaved with ref's. */
static void race(const char *name, const char *unit, void (*op)(void),
		 const char *refname, void (*ref)(void))
{
	double best = 0, ref_best = 0, t0, r;
	long n;

	for (int round = 0; round < ROUNDS; round++) {
		t0 = now();
		for (n = 0; now() - t0 < ROUND_SECONDS; n++)
			op();
		r = (double)n / (now() - t0);
		best = r > best ? r : best;
		t0 = now();
		for (n = 0; now() - t0 < ROUND_SECONDS; n++)
			ref();
		r = (double)n / (now() - t0);
		ref_best = r > ref_best ? r : ref_best;
	}
	printf("BENCH name=%s value=%.0f unit=%s ref=%s:%.0f ratio=%.3f\n",
	       name, best, unit, refname, ref_best, best / ref_best);
}

int main(void)
{
	const struct sp_reader reader = { mem_read, NULL };
	char dir[] = "/tmp/mantle-sp-bench.XXXXXX", state[64], cmd[96];
	uint8_t lr[256], reply[SP_LAUNCH_REPLY_SIZE];
	size_t n = SP_LAUNCH_FIXED;

	sp_log_quiet(1);
	if (!mkdtemp(dir))
		return 2;
	snprintf(state, sizeof(state), "%s/state", dir);
	ec = EVP_PKEY_Q_keygen(NULL, NULL, "EC", "P-384");
	if (!ec || sp_chip_open(&chip, state)) {
		fprintf(stderr, "bench-sp: cannot make a chip\n");
		return 1;
	}
	sp_init(&sp, &chip, &reader);
	memset(lr, 0, sizeof(lr));
	put_le64(lr, SP_DEFAULT_POLICY);
	put_le32(lr + SP_LAUNCH_CONFIG_OFF, 1);
	for (int i = 0; i < 3; i++) {
		put_le16(lr + n, 1);
		lr[n + 2] = 'x';
		n += 3;
	}
	if (sp_launch(&sp.vm, &reader, lr, n, reply) != SP_ST_OK) {
		fprintf(stderr, "bench-sp: LAUNCH failed\n");
		return 1;
	}
	race("sp_report_sign", "reports/s", op_report,
	     "openssl_ecdsa_p384_sign", op_ecdsa);
	race("sp_key_derive", "keys/s", op_derive, "openssl_aes256gcm_4k",
	     op_gcm);
	race("sp_guest_key_req_inproc", "requests/s", op_guest_key,
	     "openssl_aes256gcm_4k", op_gcm);
	sp_fini(&sp);
	sp_chip_close(&chip);
	EVP_PKEY_free(ec);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) || bad) {
		fprintf(stderr, "bench-sp: an operation failed\n");
		return 1;
	}
	return 0;
}
