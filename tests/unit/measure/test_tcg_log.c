// SPDX-License-Identifier: MIT
/*
 * paravisor/measure/tcg_log: the bytes of the crypto-agile event log and the
 * PCR values, against vectors computed independently (Python struct and
 * hashlib) from paravisor/MEASUREMENT.md "Level 2 in the TPM"; and the
 * verifier's own event log replay (verifier/lib/eventlog.c) run on the
 * produced log must give the same PCRs.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <openssl/evp.h>

#include "eventlog.h"
#include "mantle_bytes.h"
#include "measure.h"
#include "tcg_log.h"

/* kernel "abc", an empty initrd, command line "console=ttyS0". */
#define VEC_LOG_LEN 1283
#define VEC_LOG_SHA256 \
	"fb0863cbec604b7cd0b8e757476b19c4cc12570bcb7017e81e1e2afbdb96fb6e"

static const char vec_header[] =
	"00000000030000000000000000000000000000000000000000000000250000005370"
	"6563204944204576656e743033000000000000020002020000000b0020000c003000"
	"00";

static const struct {
	unsigned int pcr;
	const char *sha256, *sha384;
} vec_pcrs[] = {
	{ 0, "3d458cfe55cc03ea1f443f1562beec8df51c75e14a9fcf9a7234a13f198e7969",
	  "518923b0f955d08da077c96aaba522b9decede61c599cea6c41889cfbea4ae4d"
	  "50529d96fe4d1afdafb65e7f95bf23c4" },
	{ 4, "456cf5b1d2dd981481dca985baf222f84c9e7dec2df6916ba632b5fd44618593",
	  "17d52165590b0411a56f9e5c46bba29e2b6c916142f71f457c7bddc8a2f0daf6"
	  "3589b34a4ed4957a7b911c077e462a68" },
	{ 8, "bbe217b39b278e40dedc042037694bc2a513d9648088146a50b7c2d9c7c6c491",
	  "9e3b057d5a9e808189c3a81aa48ac7b1cc012d9c102667bf442c22792057a7b0"
	  "d605e8c427c6520aaafd1c2ced9bcefb" },
	{ 9, "1c9ecec90e28d2461650418635878a5c91e49f47586ecf75f2b0cbb94e897112",
	  "21b9efbc184807662e966d34f390821309eeac6802309798826296bf3e8bec7c"
	  "10edb30948c90ba67310f7b964fc500a" },
};

static void hex(const uint8_t *p, size_t len, char *out)
{
	for (size_t i = 0; i < len; i++)
		sprintf(out + 2 * i, "%02x", p[i]);
}

static void assert_hex(const uint8_t *p, size_t len, const char *want)
{
	char buf[2 * 128 + 1];

	assert_true(len <= 128);
	hex(p, len, buf);
	assert_string_equal(buf, want);
}

static void check_verifier_replay(const struct measure_log *log);

static void vec_log(struct measure_log *log)
{
	measure_log_init(log);
	assert_int_equal(measure_log_add(log, MEASURE_EV_KERNEL, "abc", 3), 0);
	assert_int_equal(measure_log_add(log, MEASURE_EV_INITRD, NULL, 0), 0);
	assert_int_equal(
		measure_log_add(log, MEASURE_EV_CMDLINE, "console=ttyS0", 13),
		0);
}

static uint8_t *write_log(const struct measure_log *log, size_t *len)
{
	size_t n = tcg_log_size(log), off = 0;
	uint8_t *buf = malloc(n);

	assert_non_null(buf);
	assert_int_equal(tcg_log_write(log, buf, n, &off), TCG_LOG_OK);
	assert_int_equal(off, n);
	*len = n;
	return buf;
}

static void test_header_event(void **state)
{
	struct measure_log log;
	size_t len;
	uint8_t *buf;

	(void)state;
	vec_log(&log);
	buf = write_log(&log, &len);
	assert_int_equal(len, VEC_LOG_LEN);
	assert_hex(buf, TCG_HEADER_EVENT_LEN, vec_header);
	free(buf);
}

static void test_kernel_event_offsets(void **state)
{
	static const char data[] = "mantle: guest kernel (bzImage)";
	struct measure_log log;
	size_t len;
	uint8_t *buf, *ev;

	(void)state;
	vec_log(&log);
	buf = write_log(&log, &len);
	ev = buf + TCG_HEADER_EVENT_LEN;
	assert_int_equal(get_le32(ev), 4); /* pcrIndex */
	assert_int_equal(get_le32(ev + 4), TCG_EV_IPL);
	assert_int_equal(get_le32(ev + 8), 2); /* digest count */
	assert_int_equal(get_le16(ev + 12), TCG_ALG_SHA256);
	assert_hex(
		ev + 14, 32,
		"ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	assert_int_equal(get_le16(ev + 46), TCG_ALG_SHA384);
	assert_hex(
		ev + 48, 48,
		"cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
		"8086072ba1e7cc2358baeca134c825a7");
	assert_int_equal(get_le32(ev + 96), sizeof(data));
	assert_memory_equal(ev + TCG_EVENT2_FIXED_LEN, data, sizeof(data));
	free(buf);
}

/* The cmdline event, third: its data shows the command line. */
static void test_cmdline_event_data(void **state)
{
	static const char data[] = "kernel_cmdline: console=ttyS0";
	struct measure_log log;
	size_t len, at;
	uint8_t *buf, *ev;
	char *big;

	(void)state;
	vec_log(&log);
	buf = write_log(&log, &len);
	at = TCG_HEADER_EVENT_LEN + TCG_EVENT2_FIXED_LEN +
	     sizeof("mantle: guest kernel (bzImage)") + TCG_EVENT2_FIXED_LEN +
	     sizeof("mantle: guest initrd");
	ev = buf + at;
	assert_int_equal(get_le32(ev), 8);
	assert_int_equal(get_le32(ev + 4), TCG_EV_IPL);
	assert_int_equal(get_le32(ev + 96), sizeof(data));
	assert_memory_equal(ev + TCG_EVENT2_FIXED_LEN, data, sizeof(data));
	free(buf);
	/* The longest command line is kept; one byte more is refused. */
	big = malloc(MEASURE_CMDLINE_MAX + 1);
	assert_non_null(big);
	memset(big, 'x', MEASURE_CMDLINE_MAX + 1);
	measure_log_init(&log);
	assert_int_equal(measure_log_add(&log, MEASURE_EV_CMDLINE, big,
					 MEASURE_CMDLINE_MAX + 1),
			 -1);
	assert_int_equal(log.count, 0);
	assert_int_equal(measure_log_add(&log, MEASURE_EV_CMDLINE, big,
					 MEASURE_CMDLINE_MAX),
			 0);
	assert_int_equal(tcg_log_size(&log),
			 TCG_HEADER_EVENT_LEN + TCG_EVENT2_FIXED_LEN +
				 sizeof(TCG_CMDLINE_PREFIX) +
				 MEASURE_CMDLINE_MAX +
				 TCG_SEPARATOR_PCRS * (TCG_EVENT2_FIXED_LEN +
						       TCG_SEPARATOR_DATA_LEN));
	check_verifier_replay(&log);
	free(big);
}

static void test_whole_log_and_separators(void **state)
{
	struct measure_log log;
	uint8_t digest[32];
	size_t len;
	uint8_t *buf, *sep;

	(void)state;
	vec_log(&log);
	buf = write_log(&log, &len);
	/* Every byte of the log, against the independent encoding. */
	assert_int_equal(EVP_Digest(buf, len, digest, NULL, EVP_sha256(), NULL),
			 1);
	assert_hex(digest, 32, VEC_LOG_SHA256);
	/* The last event: the separator of PCR 7, data le32 0. */
	sep = buf + len - (TCG_EVENT2_FIXED_LEN + TCG_SEPARATOR_DATA_LEN);
	assert_int_equal(get_le32(sep), 7);
	assert_int_equal(get_le32(sep + 4), TCG_EV_SEPARATOR);
	assert_hex(
		sep + 14, 32,
		"df3f619804a92fdb4057192dc43dd748ea778adc52bc498ce80524c014b81119");
	assert_int_equal(get_le32(sep + 96), 4);
	assert_int_equal(get_le32(sep + 100), 0);
	free(buf);
}

static void test_pcr_values(void **state)
{
	struct measure_log log;
	struct tcg_pcrs pcrs;
	uint8_t zero[48] = { 0 };

	(void)state;
	vec_log(&log);
	assert_int_equal(tcg_log_pcrs(&log, &pcrs), TCG_LOG_OK);
	for (size_t i = 0; i < sizeof(vec_pcrs) / sizeof(vec_pcrs[0]); i++) {
		assert_hex(pcrs.sha256[vec_pcrs[i].pcr], 32,
			   vec_pcrs[i].sha256);
		assert_hex(pcrs.sha384[vec_pcrs[i].pcr], 48,
			   vec_pcrs[i].sha384);
	}
	/* PCRs 0-7 hold a separator; 10-23 were never extended. */
	assert_memory_equal(pcrs.sha256[10], zero, 32);
	assert_memory_equal(pcrs.sha384[23], zero, 48);
	assert_int_equal(tcg_log_pcr_mask(&log), 0x3ff);
}

/* tcg_log_extends: the extends, in log order, and an error stops it. */
struct extends_seen {
	unsigned int n;
	uint32_t pcr[16];
	int fail_at;
};

static int record_extend(void *ctx, uint32_t pcr, const uint8_t *sha256,
			 const uint8_t *sha384)
{
	struct extends_seen *s = ctx;

	assert_non_null(sha256);
	assert_non_null(sha384);
	if ((int)s->n == s->fail_at)
		return 42;
	s->pcr[s->n++] = pcr;
	return 0;
}

static void test_extends_in_log_order(void **state)
{
	static const uint32_t want[] = { 4, 9, 8, 0, 1, 2, 3, 4, 5, 6, 7 };
	struct extends_seen seen = { .fail_at = -1 };
	struct measure_log log;

	(void)state;
	vec_log(&log);
	assert_int_equal(tcg_log_extends(&log, record_extend, &seen), 0);
	assert_int_equal(seen.n, 11);
	assert_memory_equal(seen.pcr, want, sizeof(want));
	memset(&seen, 0, sizeof(seen));
	seen.fail_at = 2;
	assert_int_equal(tcg_log_extends(&log, record_extend, &seen), 42);
	assert_int_equal(seen.n, 2);
}

static void test_short_buffer_refused(void **state)
{
	struct measure_log log;
	size_t need, off;
	uint8_t *buf;

	(void)state;
	vec_log(&log);
	need = tcg_log_size(&log);
	buf = malloc(need + 16);
	assert_non_null(buf);
	/* One byte short: nothing written, offset unchanged. */
	memset(buf, 0xaa, need + 16);
	off = 0;
	assert_int_equal(tcg_log_write(&log, buf, need - 1, &off),
			 TCG_LOG_ERR_SPACE);
	assert_int_equal(off, 0);
	for (size_t i = 0; i < need + 16; i++)
		assert_int_equal(buf[i], 0xaa);
	/* Appending after 16 bytes: needs need + 16. */
	off = 16;
	assert_int_equal(tcg_log_write(&log, buf, need + 15, &off),
			 TCG_LOG_ERR_SPACE);
	assert_int_equal(tcg_log_write(&log, buf, need + 16, &off), TCG_LOG_OK);
	assert_int_equal(off, need + 16);
	assert_int_equal(get_le32(buf + 16 + 4), TCG_EV_NO_ACTION);
	/* An offset past the end, and an empty buffer. */
	off = need + 17;
	assert_int_equal(tcg_log_write(&log, buf, need + 16, &off),
			 TCG_LOG_ERR_SPACE);
	off = 0;
	assert_int_equal(tcg_log_write(&log, NULL, 0, &off), TCG_LOG_ERR_SPACE);
	free(buf);
}

static void test_unknown_event_refused(void **state)
{
	struct measure_log log;
	struct tcg_pcrs pcrs;
	uint8_t buf[4096];
	size_t off = 0;

	(void)state;
	vec_log(&log);
	log.ev[1].type = 99; /* a type measure.h does not define */
	assert_int_equal(tcg_log_write(&log, buf, sizeof(buf), &off),
			 TCG_LOG_ERR_EVENT);
	assert_int_equal(off, 0);
	assert_int_equal(tcg_log_size(&log), 0);
	assert_int_equal(tcg_log_pcrs(&log, &pcrs), TCG_LOG_ERR_EVENT);
	log.ev[1].type = MEASURE_EV_INITRD;
	log.ev[1].pcr = 24; /* no such PCR */
	assert_int_equal(tcg_log_pcrs(&log, &pcrs), TCG_LOG_ERR_EVENT);
	assert_string_equal(tcg_log_strerror(TCG_LOG_ERR_SPACE),
			    "event log does not fit in the buffer");
	assert_string_equal(tcg_log_strerror(77), "unknown error");
}

/* The verifier's replay parses the log and lands on the same PCRs. */
static void check_verifier_replay(const struct measure_log *log)
{
	static const uint16_t algs[] = { TCG_ALG_SHA256, TCG_ALG_SHA384 };
	struct tcg_pcrs pcrs;
	struct evlog *ev = calloc(1, sizeof(*ev));
	char err[128] = "";
	size_t len;
	uint8_t *buf = write_log(log, &len);

	assert_non_null(ev);
	assert_int_equal(tcg_log_pcrs(log, &pcrs), TCG_LOG_OK);
	assert_int_equal(evlog_replay(buf, len, ev, err, sizeof(err)), 0);
	assert_true(ev->crypto_agile);
	assert_int_equal(ev->nalgs, 2);
	assert_int_equal(ev->events, log->count + TCG_SEPARATOR_PCRS);
	assert_int_equal(ev->touched, tcg_log_pcr_mask(log));
	for (unsigned int a = 0; a < 2; a++) {
		const struct evlog_bank *b = evlog_bank(ev, algs[a]);

		assert_non_null(b);
		for (unsigned int n = 0; n < TCG_PCRS; n++)
			assert_memory_equal(b->pcr[n],
					    a ? pcrs.sha384[n] : pcrs.sha256[n],
					    b->size);
	}
	free(buf);
	free(ev);
}

static void test_verifier_replays_same_pcrs(void **state)
{
	struct measure_log log;
	static const uint8_t e820[80] = { 1, 2, 3 };

	(void)state;
	vec_log(&log);
	check_verifier_replay(&log);
	assert_int_equal(measure_log_add(&log, MEASURE_EV_ACPI, "ACPI", 4), 0);
	assert_int_equal(
		measure_log_add(&log, MEASURE_EV_E820, e820, sizeof(e820)), 0);
	check_verifier_replay(&log);
	/* An empty list still ends the pre-OS phase. */
	measure_log_init(&log);
	check_verifier_replay(&log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_header_event),
		cmocka_unit_test(test_kernel_event_offsets),
		cmocka_unit_test(test_cmdline_event_data),
		cmocka_unit_test(test_whole_log_and_separators),
		cmocka_unit_test(test_pcr_values),
		cmocka_unit_test(test_extends_in_log_order),
		cmocka_unit_test(test_short_buffer_refused),
		cmocka_unit_test(test_unknown_event_refused),
		cmocka_unit_test(test_verifier_replays_same_pcrs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
