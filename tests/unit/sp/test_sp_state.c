// SPDX-License-Identifier: MIT
/* mantle-sp state directories (sp_state.c, sp_chip.c): created 0700 with
 * 0600 files, reused as the same chip, refused when open to others or
 * damaged; two directories are two chips (CHIP_ID, VCEK, derived keys). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "sp_fixture.h"
#include "sp_platform.h"

static struct fx a, b; /* two chips, made once */

static int setup(void **state)
{
	(void)state;
	fx_open(&a);
	fx_open(&b);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fx_close(&a);
	fx_close(&b);
	return 0;
}

static mode_t mode_of(const char *dir, const char *name)
{
	char p[256];
	struct stat st;

	snprintf(p, sizeof(p), "%s/%s", dir, name);
	assert_int_equal(lstat(p, &st), 0);
	return st.st_mode & 07777;
}

static void test_created(void **state)
{
	static const char *const files[] = { "root-secret", "ark-key.pem",
					     "ark.pem",	    "ask-key.pem",
					     "ask.pem",	    "lock" };
	char vcek[64];

	(void)state;
	assert_int_equal(mode_of(a.state, "."), 0700);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		assert_int_equal(mode_of(a.state, files[i]), 0600);
	snprintf(vcek, sizeof(vcek), "vcek-%016llx.pem",
		 (unsigned long long)SP_TCB);
	assert_int_equal(mode_of(a.state, vcek), 0600);
	assert_memory_equal(a.chip.chip_id, SP_CHIP_ID_PREFIX, 16);
	assert_true(sp_x509_key_matches(a.chip.vcek_cert, a.chip.vcek));
	/* No temporary file left behind. */
	assert_false(sp_state_exists(a.state, "root-secret.tmp"));
}

static void test_reuse(void **state)
{
	struct sp_chip c;

	(void)state;
	assert_int_equal(sp_chip_open(&c, a.state), 0);
	assert_memory_equal(c.root, a.chip.root, SP_ROOT_SECRET_LEN);
	assert_memory_equal(c.chip_id, a.chip.chip_id, SNP_CHIP_ID_LEN);
	assert_int_equal(X509_cmp(c.ark, a.chip.ark), 0);
	assert_int_equal(X509_cmp(c.ask, a.chip.ask), 0);
	assert_int_equal(X509_cmp(c.vcek_cert, a.chip.vcek_cert), 0);
	assert_int_equal(EVP_PKEY_eq(c.vcek, a.chip.vcek), 1);
	sp_chip_close(&c);
}

static void test_two_chips(void **state)
{
	const struct snp_derived_key_req r = { .guest_field_select = 0 };
	uint8_t ka[32], kb[32];

	(void)state;
	assert_memory_not_equal(a.chip.chip_id, b.chip.chip_id, 64);
	assert_int_not_equal(EVP_PKEY_eq(a.chip.vcek, b.chip.vcek), 1);
	assert_int_not_equal(X509_cmp(a.chip.ark, b.chip.ark), 0);
	/* b's ASK did not sign a's VCEK. */
	assert_int_not_equal(
		X509_verify(a.chip.vcek_cert, X509_get0_pubkey(b.chip.ask)), 1);
	/* The same VM (same fields) derives different keys on each. */
	assert_int_equal(sp_kdf_derive(&a.chip, &a.sp.vm, &r, 0, ka), 0);
	assert_int_equal(sp_kdf_derive(&b.chip, &a.sp.vm, &r, 0, kb), 0);
	assert_memory_not_equal(ka, kb, 32);
}

static void test_refused_permissions(void **state)
{
	struct sp_chip c;
	char p[256];

	(void)state;
	assert_int_equal(chmod(a.state, 0750), 0);
	assert_int_equal(sp_chip_open(&c, a.state), -1);
	assert_int_equal(chmod(a.state, 0700), 0);
	snprintf(p, sizeof(p), "%s/root-secret", a.state);
	assert_int_equal(chmod(p, 0644), 0);
	assert_int_equal(sp_chip_open(&c, a.state), -1);
	assert_int_equal(chmod(p, 0600), 0);
	/* A symlink to a good directory is not a directory. */
	snprintf(p, sizeof(p), "%s/link", a.tmp);
	assert_int_equal(symlink(a.state, p), 0);
	assert_int_equal(sp_chip_open(&c, p), -1);
	unlink(p);
	/* A regular file is not a state directory. */
	snprintf(p, sizeof(p), "%s/ask.pem", a.state);
	assert_int_equal(sp_chip_open(&c, p), -1);
	assert_int_equal(sp_chip_open(&c, a.state), 0);
	sp_chip_close(&c);
}

static void test_refused_damage(void **state)
{
	struct sp_chip c;
	uint8_t *buf;
	size_t len;
	char vcek[64];

	(void)state;
	/* A short root secret. */
	assert_int_equal(sp_state_read(a.state, "root-secret", 64, &buf, &len),
			 0);
	assert_int_equal(sp_state_write(a.state, "root-secret", buf, 63), 0);
	assert_int_equal(sp_chip_open(&c, a.state), -1);
	/* Another chip's VCEK certificate. */
	assert_int_equal(sp_state_write(a.state, "root-secret", buf, 64), 0);
	free(buf);
	snprintf(vcek, sizeof(vcek), "vcek-%016llx.pem",
		 (unsigned long long)SP_TCB);
	assert_int_equal(sp_state_read(a.state, vcek, 65536, &buf, &len), 0);
	{
		uint8_t *other;
		size_t olen;

		assert_int_equal(
			sp_state_read(b.state, vcek, 65536, &other, &olen), 0);
		assert_int_equal(sp_state_write(a.state, vcek, other, olen), 0);
		free(other);
	}
	assert_int_equal(sp_chip_open(&c, a.state), -1);
	assert_int_equal(sp_state_write(a.state, vcek, buf, len), 0);
	free(buf);
	assert_int_equal(sp_chip_open(&c, a.state), 0);
	sp_chip_close(&c);
}

static void test_no_root_with_chain(void **state)
{
	struct fx f;
	struct sp_chip c;
	char p[256];

	(void)state;
	fx_tmpdir(&f);
	assert_int_equal(mkdir(f.state, 0700), 0);
	assert_int_equal(sp_state_write(f.state, "ark.pem", "x", 1), 0);
	assert_int_equal(sp_chip_open(&c, f.state), -1);
	snprintf(p, sizeof(p), "%s/root-secret", f.state);
	assert_int_equal(access(p, F_OK), -1); /* nothing made */
	fx_rmtree(f.tmp);
}

static void test_default_dir(void **state)
{
	char d[256];

	(void)state;
	setenv("XDG_DATA_HOME", "/xdg", 1);
	assert_int_equal(sp_state_default(d, sizeof(d)), 0);
	assert_string_equal(d, "/xdg/mantle/sp");
	unsetenv("XDG_DATA_HOME");
	setenv("HOME", "/home/u", 1);
	assert_int_equal(sp_state_default(d, sizeof(d)), 0);
	assert_string_equal(d, "/home/u/.local/share/mantle/sp");
	setenv("XDG_DATA_HOME", "relative", 1);
	assert_int_equal(sp_state_default(d, sizeof(d)), 0);
	assert_string_equal(d, "/home/u/.local/share/mantle/sp");
	unsetenv("HOME");
	assert_int_equal(sp_state_default(d, sizeof(d)), -1);
	assert_int_equal(sp_state_default(d, 8), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_created),
		cmocka_unit_test(test_reuse),
		cmocka_unit_test(test_two_chips),
		cmocka_unit_test(test_refused_permissions),
		cmocka_unit_test(test_refused_damage),
		cmocka_unit_test(test_no_root_with_chain),
		cmocka_unit_test(test_default_dir),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
