// SPDX-License-Identifier: MIT
/*
 * The paravisor's VMGS open policy (paravisor/vmm/control_vmgs.c) against
 * the real hostif server on a socketpair, honest and hostile, with a fake
 * secure processor (tests/unit/pvvmgs/fake_sp.h): an all-zero VMGS is
 * provisioned encrypted, a provisioned one opened without a write, a
 * damaged one refused and left byte for byte as it was, and under every
 * VMGS and control fault class, over many seeds, a provisioned VMGS is
 * never reformatted or damaged. (The key policy's own cases:
 * tests/unit/pvvmgs.)
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

#include "control_vmgs.h"
#include "fake_sp.h"
#include "mantle_pv_status.h"
#include "pair.h"

/* Short timeouts: withheld replies cost this much each. */
#define TIMEOUT_MS 50
/* An honest host withholds nothing, so its sessions get a timeout no load
 * on a 2-core CI machine reaches: 50 ms made them flake (UNREACHABLE). */
#define HONEST_TIMEOUT_MS 10000

struct fx {
	char *dir;
	char path[256];
};

/* The chip every session asks (one secure processor for the test). */
static struct fake_chip chip;
static struct vmgs_key_cfg key_cfg;

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));

	if (!f)
		return -1;
	f->dir = pair_tmpdir();
	if (!f->dir)
		return -1;
	snprintf(f->path, sizeof(f->path), "%s/t.vmgs", f->dir);
	fake_chip_init(&chip, 1, 1);
	key_cfg = (struct vmgs_key_cfg){ .sp = &chip.sp };
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	pair_rmdir(f->dir);
	free(f);
	return 0;
}

/* One paravisor session: HELLO, then the open policy. */
static enum pv_vmgs_result session(const char *path, const char *spec,
				   char *why, size_t whylen)
{
	struct hostif_client_cfg cfg = { .timeout_ms = spec ? TIMEOUT_MS :
							      HONEST_TIMEOUT_MS,
					 .features = HOSTIF_F_KNOWN };
	struct hostif_client *c;
	struct vmgs *v = NULL;
	struct pair p;
	enum pv_vmgs_result r = PV_VMGS_UNREACHABLE;

	assert_int_equal(pair_start(&p, path, spec, NULL), 0);
	assert_int_equal(hostif_client_new(p.pv_fd, &cfg, &c), 0);
	if (!hostif_client_hello(c)) {
		r = pv_vmgs_open(c, &key_cfg, &v, why, whylen);
		if (r == PV_VMGS_OPENED || r == PV_VMGS_PROVISIONED)
			assert_non_null(v);
		else
			assert_null(v);
	} else {
		snprintf(why, whylen, "no session");
	}
	if (v)
		vmgs_close(v);
	hostif_client_free(c);
	pair_stop(&p);
	return r;
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *fp = fopen(path, "rb");
	uint8_t *b;

	assert_non_null(fp);
	fseek(fp, 0, SEEK_END);
	*len = (size_t)ftell(fp);
	rewind(fp);
	b = malloc(*len);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, *len, fp), *len);
	fclose(fp);
	return b;
}

/* vmgs_check on the file itself, as `vmgstool check` does. */
static void assert_intact(const char *path)
{
	struct vmgs_io io;
	struct vmgs_check_result res;

	assert_int_equal(vmgs_io_file_open(&io, path, false), VMGS_OK);
	assert_int_equal(vmgs_check(&io, 0, NULL, NULL, NULL, &res), VMGS_OK);
	assert_int_equal(res.errors, 0);
	vmgs_io_close(&io);
}

/* The VMGS file opened and unlocked offline, as only the chip can: the
 * protector's request derived on the fake chip, its key unwrapped. */
static int open_unlocked(const char *path, bool write, struct vmgs **v)
{
	struct vmgs_io io;
	struct vmgs_kp kp;
	uint8_t buf[VMGS_KP_SIZE], k[32], dek[32];
	uint64_t len = 0;
	int ok;

	assert_int_equal(vmgs_io_file_open(&io, path, write), VMGS_OK);
	if (vmgs_open(&io, write ? VMGS_OPEN_WRITE : 0, v)) {
		vmgs_io_close(&io);
		return 0;
	}
	ok = !vmgs_read_into(*v, VMGS_FID_HW_KEY_PROTECTOR, 0, buf, sizeof(buf),
			     &len) &&
	     !vmgs_kp_decode(buf, (size_t)len, &kp) &&
	     !fake_chip_derive(&chip, &kp.req, k) &&
	     !vmgs_kp_open(k, &kp, dek) && !vmgs_unlock(*v, dek);
	if (!ok)
		vmgs_close(*v);
	return ok;
}

/* A marker file written with the VMGS key, read back the same way. */
static void put_marker(const char *path)
{
	struct vmgs *v;

	assert_true(open_unlocked(path, true, &v));
	assert_int_equal(
		vmgs_key_write_state(v, VMGS_FID_RTC_SKEW, "marker", 6),
		VMGS_OK);
	vmgs_close(v);
}

static int has_marker(const char *path)
{
	struct vmgs *v;
	uint8_t buf[16];
	uint64_t len = 0;
	int ok;

	if (!open_unlocked(path, false, &v))
		return 0;
	ok = !vmgs_read_into(v, VMGS_FID_RTC_SKEW, 0, buf, sizeof(buf), &len) &&
	     len == 6 && !memcmp(buf, "marker", 6);
	vmgs_close(v);
	return ok;
}

static void test_no_device(void **state)
{
	char why[256];

	(void)state;
	assert_int_equal(session(NULL, NULL, why, sizeof(why)), PV_VMGS_NONE);
	assert_non_null(strstr(why, "no VMGS"));
}

static void test_provision_then_open(void **state)
{
	struct fx *f = *state;
	char why[256];
	uint8_t *a, *b;
	size_t la, lb;

	assert_int_equal(session(f->path, NULL, why, sizeof(why)),
			 PV_VMGS_PROVISIONED);
	assert_non_null(strstr(why, "4194304 bytes"));
	assert_non_null(strstr(why, "encrypted"));
	assert_intact(f->path);
	put_marker(f->path);
	a = slurp(f->path, &la);
	assert_int_equal(la, HOSTIF_VMGS_DEFAULT_FILE_SIZE);
	assert_int_equal(session(f->path, NULL, why, sizeof(why)),
			 PV_VMGS_OPENED);
	b = slurp(f->path, &lb);
	/* Opening wrote nothing: the host saw no write. */
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	assert_true(has_marker(f->path));
	free(a);
	free(b);
}

static void damage_headers(const char *path)
{
	FILE *fp = fopen(path, "r+b");

	assert_non_null(fp);
	for (long off = 32; off < 1024; off += 512) {
		fseek(fp, off, SEEK_SET);
		assert_int_equal(fwrite("\xff\xff\xff\xff", 1, 4, fp), 4);
	}
	fclose(fp);
}

static void test_damaged_refused(void **state)
{
	struct fx *f = *state;
	char why[256];
	uint8_t *a, *b;
	size_t la, lb;

	assert_int_equal(session(f->path, NULL, why, sizeof(why)),
			 PV_VMGS_PROVISIONED);
	damage_headers(f->path);
	a = slurp(f->path, &la);
	assert_int_equal(session(f->path, NULL, why, sizeof(why)),
			 PV_VMGS_DAMAGED);
	assert_non_null(strstr(why, "damaged"));
	assert_non_null(strstr(why, "bad_header"));
	b = slurp(f->path, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
}

/* A host that flips a bit of every read: never formatted, never written. */
static void test_lying_host_refused(void **state)
{
	struct fx *f = *state;
	char why[256];
	uint8_t *a, *b;
	size_t la, lb;

	/* Also on an all-zero VMGS: a lie is not "empty". */
	assert_int_equal(
		session(f->path, "seed=3,vmgs-bitflip=1", why, sizeof(why)),
		PV_VMGS_DAMAGED);
	assert_int_equal(session(f->path, NULL, why, sizeof(why)),
			 PV_VMGS_PROVISIONED);
	put_marker(f->path);
	a = slurp(f->path, &la);
	/*
	 * On a formatted one a flip may land where nothing checks it (the
	 * inactive slot, header padding, the table): opened or refused, but
	 * never formatted and never written.
	 */
	assert_int_not_equal(
		session(f->path, "seed=4,vmgs-bitflip=1", why, sizeof(why)),
		PV_VMGS_PROVISIONED);
	b = slurp(f->path, &lb);
	assert_memory_equal(a, b, la);
	free(a);
	free(b);
}

/* No secure processor, or another chip: refused, nothing written, not
 * even to an all-zero VMGS. */
static void test_key_refusals(void **state)
{
	struct fx *f = *state;
	char why[512];
	uint8_t *a, *b;
	size_t la, lb;

	key_cfg.sp = NULL;
	assert_int_equal(session(f->path, NULL, why, sizeof(why)),
			 PV_VMGS_NO_SP);
	assert_non_null(strstr(why, "no secure processor"));
	a = slurp(f->path, &la);
	for (size_t i = 0; i + 512 < la; i++)
		assert_int_equal(a[i], 0);
	free(a);
	key_cfg.sp = &chip.sp;
	assert_int_equal(session(f->path, NULL, why, sizeof(why)),
			 PV_VMGS_PROVISIONED);
	put_marker(f->path);
	a = slurp(f->path, &la);
	fake_chip_init(&chip, 2, 1);
	assert_int_equal(session(f->path, NULL, why, sizeof(why)),
			 PV_VMGS_LOCKED);
	assert_int_equal(pv_vmgs_exit_status(PV_VMGS_LOCKED),
			 PV_EXIT_VMGS_LOCKED);
	b = slurp(f->path, &lb);
	assert_int_equal(la, lb);
	assert_memory_equal(a, b, la);
	fake_chip_init(&chip, 1, 1);
	assert_true(has_marker(f->path));
	free(a);
	free(b);
}

/* A host that never answers: unreachable, nothing written. */
static void test_silent_host(void **state)
{
	struct fx *f = *state;
	char why[256];

	assert_int_equal(session(f->path, "ctl-withhold=1", why, sizeof(why)),
			 PV_VMGS_UNREACHABLE);
}

static const char *const faults[] = {
	"ctl-corrupt=0.3", "ctl-truncate=0.3", "ctl-replay=0.3",
	"ctl-reorder=0.3", "ctl-withhold=0.3", "vmgs-short=0.3",
	"vmgs-torn=0.3",   "vmgs-bitflip=0.3",
};

#define SEEDS 6

/*
 * Every fault class, several seeds, on an all-zero and on a formatted
 * VMGS: whatever the outcome, the file passes the offline check, and a
 * formatted VMGS keeps its marker (it was never reformatted).
 */
static void test_faults_never_corrupt(void **state)
{
	struct fx *f = *state;
	unsigned ok = 0, refused = 0;

	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		for (unsigned seed = 1; seed <= SEEDS; seed++) {
			char spec[64], why[256];
			enum pv_vmgs_result r;

			snprintf(spec, sizeof(spec), "seed=%u,%s", seed,
				 faults[i]);
			unlink(f->path);
			r = session(f->path, spec, why, sizeof(why));
			if (r == PV_VMGS_PROVISIONED) {
				assert_intact(f->path);
				ok++;
			} else {
				refused++;
			}
			/* Formatted honestly now, with a marker. */
			unlink(f->path);
			assert_int_equal(
				session(f->path, NULL, why, sizeof(why)),
				PV_VMGS_PROVISIONED);
			put_marker(f->path);
			r = session(f->path, spec, why, sizeof(why));
			assert_int_not_equal(r, PV_VMGS_PROVISIONED);
			assert_int_not_equal(r, PV_VMGS_NONE);
			if (r == PV_VMGS_OPENED)
				ok++;
			else
				refused++;
			assert_intact(f->path);
			assert_true(has_marker(f->path));
		}
	}
	/* Retries make p=0.3 survivable far more often than not. */
	assert_true(ok > 4 * refused);
	print_message("faults: %u sessions succeeded, %u refused\n", ok,
		      refused);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_no_device, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_provision_then_open, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_damaged_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_lying_host_refused, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_silent_host, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_key_refusals, setup,
						teardown),
		cmocka_unit_test_setup_teardown(test_faults_never_corrupt,
						setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
