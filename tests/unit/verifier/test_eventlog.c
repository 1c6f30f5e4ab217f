// SPDX-License-Identifier: MIT
/* Event-log parsing and replay: synthetic logs and the go-tpm-tools logs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>

#include "eventlog.h"
#include "mantle_bytes.h"
#include "mv_result.h"
#include "mv_util.h"
#include "testdata.h"
#include "tpm_attest.h"

static size_t put32(uint8_t *p, uint32_t v)
{
	put_le32(p, v);
	return 4;
}

/* Spec ID header (SHA-256 only) + optional StartupLocality + one event. */
static size_t build_log(uint8_t *b, int locality, uint8_t fill)
{
	size_t o = 0;

	o += put32(b + o, 0);
	o += put32(b + o, EV_NO_ACTION);
	memset(b + o, 0, 20);
	o += 20;
	o += put32(b + o, 33);
	memcpy(b + o, "Spec ID Event03", 16);
	o += 16;
	o += put32(b + o, 0); /* platform class */
	b[o++] = 0; /* minor */
	b[o++] = 2; /* major */
	b[o++] = 0; /* errata */
	b[o++] = 2; /* uintn */
	o += put32(b + o, 1); /* one algorithm */
	b[o++] = 0x0b; /* SHA-256 */
	b[o++] = 0;
	b[o++] = 32;
	b[o++] = 0;
	b[o++] = 0; /* vendor info size */
	if (locality >= 0) {
		o += put32(b + o, 0);
		o += put32(b + o, EV_NO_ACTION);
		o += put32(b + o, 1);
		b[o++] = 0x0b;
		b[o++] = 0;
		memset(b + o, 0, 32);
		o += 32;
		o += put32(b + o, 17);
		memcpy(b + o, "StartupLocality", 16);
		o += 16;
		b[o++] = (uint8_t)locality;
	}
	o += put32(b + o, 0); /* PCR 0 */
	o += put32(b + o, 0x80000008);
	o += put32(b + o, 1);
	b[o++] = 0x0b;
	b[o++] = 0;
	memset(b + o, fill, 32);
	o += 32;
	o += put32(b + o, 2);
	b[o++] = 'h';
	b[o++] = 'i';
	return o;
}

static void expect_pcr0(const uint8_t *log, size_t n, uint8_t init,
			uint8_t fill)
{
	uint8_t in[64] = { 0 }, md[32];
	unsigned int mdlen;
	struct evlog ev;
	char err[128];

	in[31] = init;
	memset(in + 32, fill, 32);
	EVP_Digest(in, 64, md, &mdlen, EVP_sha256(), NULL);
	assert_int_equal(evlog_replay(log, n, &ev, err, sizeof(err)), 0);
	assert_true(ev.crypto_agile);
	assert_int_equal(ev.touched, 1);
	assert_memory_equal(evlog_bank(&ev, TPM_ALG_SHA256)->pcr[0], md, 32);
}

static void test_synthetic_replay(void **state)
{
	uint8_t b[512];
	size_t n;

	(void)state;
	n = build_log(b, -1, 0xaa);
	expect_pcr0(b, n, 0, 0xaa);
	n = build_log(b, 3, 0x55);
	expect_pcr0(b, n, 3, 0x55);
	/* Padding after the last event is ignored. */
	memset(b + n, 0xff, 40);
	expect_pcr0(b, n + 40, 3, 0x55);
}

static void test_malformed(void **state)
{
	uint8_t b[512];
	struct evlog ev;
	char err[128];
	size_t n = build_log(b, 3, 1), i;

	(void)state;
	assert_int_equal(evlog_replay(b, 10, &ev, err, sizeof(err)),
			 MV_BADINPUT);
	/* Truncating inside the last event fails. */
	for (i = n - 40; i < n; i++)
		assert_int_not_equal(evlog_replay(b, i, &ev, err, sizeof(err)),
				     0);
	/* PCR index out of range, and an undeclared algorithm. */
	b[n - 52] = 30;
	assert_int_equal(evlog_replay(b, n, &ev, err, sizeof(err)), MV_FAIL);
	n = build_log(b, -1, 1);
	b[n - 32 - 6 - 2] = 0x0c;
	assert_int_equal(evlog_replay(b, n, &ev, err, sizeof(err)), MV_FAIL);
}

/* A legacy log: SHA-1 TCG_PCR_EVENT records only. */
static void test_sha1_log(void **state)
{
	uint8_t b[256], in[40] = { 0 }, md[20];
	unsigned int mdlen;
	struct evlog ev;
	char err[128];
	size_t o = 0;

	(void)state;
	o += put32(b + o, 4); /* PCR 4 */
	o += put32(b + o, 0x80000003);
	memset(b + o, 0x11, 20);
	o += 20;
	o += put32(b + o, 3);
	memcpy(b + o, "abc", 3);
	o += 3;
	o += put32(b + o, 4); /* EV_NO_ACTION: not extended */
	o += put32(b + o, EV_NO_ACTION);
	memset(b + o, 0x22, 20);
	o += 20;
	o += put32(b + o, 0);
	memset(in + 20, 0x11, 20);
	EVP_Digest(in, 40, md, &mdlen, EVP_sha1(), NULL);
	assert_int_equal(evlog_replay(b, o, &ev, err, sizeof(err)), 0);
	assert_false(ev.crypto_agile);
	assert_int_equal(ev.events, 2);
	assert_int_equal(ev.touched, 1u << 4);
	assert_memory_equal(evlog_bank(&ev, TPM_ALG_SHA1)->pcr[4], md, 20);
	assert_null(evlog_bank(&ev, TPM_ALG_SHA256));
	/* The event data length runs past the end. */
	b[o - 4] = 9;
	assert_int_equal(evlog_replay(b, o, &ev, err, sizeof(err)), MV_FAIL);
}

static void check_sample(const char *name, json_t *expected)
{
	char rel[128], key[8];
	uint8_t *buf, want[32];
	size_t len;
	struct evlog *ev = calloc(1, sizeof(*ev));
	const struct evlog_bank *b;
	json_t *bank =
		json_object_get(json_object_get(expected, name), "sha256");
	const char *k;
	json_t *v;
	char err[128];

	assert_non_null(ev);
	assert_non_null(bank);
	snprintf(rel, sizeof(rel), "go-tpm-tools/%s", name);
	mvt_load(rel, &buf, &len);
	assert_int_equal(evlog_replay(buf, len, ev, err, sizeof(err)), 0);
	b = evlog_bank(ev, TPM_ALG_SHA256);
	assert_non_null(b);
	json_object_foreach(bank, k, v)
	{
		int idx = atoi(k);

		snprintf(key, sizeof(key), "%d", idx);
		assert_string_equal(key, k);
		assert_int_equal(mv_unhex(json_string_value(v), want, 32), 32);
		assert_memory_equal(b->pcr[idx], want, 32);
	}
	free(buf);
	free(ev);
}

static void test_samples(void **state)
{
	json_t *expected;

	(void)state;
	expected = json_load_file(
		mvt_path("go-tpm-tools/expected_pcrs_from_replay.json"), 0,
		NULL);
	assert_non_null(expected);
	check_sample("ubuntu-2404-amd-sevsnp.bin", expected);
	check_sample("arch-linux-workstation.bin", expected);
	check_sample("glinux-alex.bin", expected);
	json_decref(expected);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_synthetic_replay),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_sha1_log),
		cmocka_unit_test(test_samples),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
