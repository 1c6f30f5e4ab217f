// SPDX-License-Identifier: MIT
/*
 * The VMGS block service end to end: the host's fixed-VHD1 file, libvmgs
 * in the "paravisor" thread opening it through the channel, and the proof
 * that no hostile-host fault class leaves the VMGS corrupted: after the
 * faults stop, the file opens directly and holds a version of the test
 * file that was really written (the last acknowledged one, or one whose
 * write was in flight), never a mixture or garbage.
 */
#define _DEFAULT_SOURCE
#include <fcntl.h>
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

#include "hostif_vmgs.h"
#include "pair.h"

#define FID VMGS_FID_TPM_NVRAM
#define ITER 12
#define MAXV (ITER + 2)
#define FILE_LEN 6000

static const uint8_t key[VMGS_KEY_SIZE] = { 0x42, 1, 2, 3 };

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	b = malloc((size_t)n);
	assert_non_null(b);
	assert_int_equal(fread(b, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void poke(const char *path, off_t off, const void *data, size_t len)
{
	int fd = open(path, O_RDWR | O_CREAT, 0600);

	assert_true(fd >= 0);
	assert_int_equal(pwrite(fd, data, len, off), (ssize_t)len);
	close(fd);
}

static struct hostif_client *hello(struct pair *p, unsigned timeout_ms,
				   unsigned attempts)
{
	struct hostif_client_cfg cfg = { .timeout_ms = timeout_ms,
					 .attempts = attempts };
	struct hostif_client *c;

	assert_int_equal(hostif_client_new(p->pv_fd, &cfg, &c), 0);
	if (hostif_client_hello(c)) {
		hostif_client_free(c);
		return NULL;
	}
	return c;
}

static void test_create_default_file(void **state)
{
	struct fixture *fx = *state;
	struct pair p;
	struct vmgs_io io;
	struct vmgs_headers h;
	uint8_t *b;
	size_t len, nz = 0;

	assert_int_equal(pair_start(&p, fx->path, NULL, NULL), 0);
	assert_int_equal(hostif_store_sectors(p.store), 8192);
	pair_stop(&p);
	b = slurp(fx->path, &len);
	assert_int_equal(len, 4194816);
	for (size_t i = 0; i < VMGS_DEFAULT_CAPACITY; i++)
		nz += b[i] != 0;
	assert_int_equal(nz, 0); /* an all-zero data part */
	assert_memory_equal(b + VMGS_DEFAULT_CAPACITY, "conectix", 8);
	free(b);
	/* libvmgs sees a valid fixed-VHD1 container holding no VMGS yet. */
	assert_int_equal(vmgs_io_file_open(&io, fx->path, false), 0);
	assert_int_equal(vmgs_read_headers(&io, 0, &h), VMGS_E_EMPTY);
	vmgs_io_close(&io);
	unlink(fx->path);
}

static void test_refuses_non_vhd(void **state)
{
	struct fixture *fx = *state;
	struct hostif_store *st;
	char err[256] = "";
	uint8_t junk[4096];

	memset(junk, 0xa5, sizeof(junk));
	poke(fx->path, 0, junk, sizeof(junk));
	assert_int_equal(hostif_store_open(fx->path, &st, err, sizeof(err)),
			 -1);
	assert_non_null(strstr(err, fx->path));
	unlink(fx->path);
	assert_int_equal(hostif_store_open(fx->dir, &st, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "not a regular file"));
}

/* The footer is outside the service: no read, no write reaches it. */
static void test_footer_unreachable(void **state)
{
	struct fixture *fx = *state;
	struct pair p;
	struct hostif_client *c;
	uint8_t buf[2 * 512], *before, *after;
	size_t n1, n2;

	assert_int_equal(pair_start(&p, fx->path, NULL, NULL), 0);
	before = slurp(fx->path, &n1);
	c = hello(&p, 1000, 4);
	assert_non_null(c);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(hostif_client_vmgs_read(c, 8192, 1, buf),
			 -HOSTIF_E_STATUS);
	assert_int_equal(hostif_client_vmgs_write(c, 8191, 2, buf),
			 -HOSTIF_E_STATUS);
	assert_int_equal(hostif_client_vmgs_write(c, UINT64_MAX - 1, 1, buf),
			 -HOSTIF_E_STATUS);
	assert_int_equal(hostif_client_vmgs_write(c, 8191, 1, buf), 0);
	hostif_client_free(c);
	pair_stop(&p);
	after = slurp(fx->path, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before + n1 - 512, after + n2 - 512, 512);
	assert_memory_equal(after + 8191 * 512, buf, 512);
	free(before);
	free(after);
	unlink(fx->path);
}

static void version_data(unsigned v, uint8_t *out)
{
	for (size_t i = 0; i < FILE_LEN; i++)
		out[i] = (uint8_t)(v * 31 + i * 7 + (i >> 8));
}

/* Which version is this content? -1 if none (garbage or a mixture). */
static int which_version(const uint8_t *d, uint64_t len)
{
	uint8_t want[FILE_LEN];

	if (len != FILE_LEN)
		return -1;
	for (unsigned v = 0; v < MAXV; v++) {
		version_data(v, want);
		if (!memcmp(d, want, FILE_LEN))
			return (int)v;
	}
	return -1;
}

/* Formats through the channel and writes version 0 (encrypted). */
static void provision(const char *path)
{
	struct pair p;
	struct hostif_client *c;
	struct vmgs *v;
	uint8_t d[FILE_LEN];
	int formatted;

	assert_int_equal(pair_start(&p, path, NULL, NULL), 0);
	c = hello(&p, 1000, 4);
	assert_non_null(c);
	assert_int_equal(hostif_vmgs_open(c, VMGS_OPEN_WRITE, &v, &formatted),
			 VMGS_OK);
	assert_int_equal(formatted, 1);
	assert_int_equal(vmgs_add_first_key(v, key), VMGS_OK);
	version_data(0, d);
	assert_int_equal(vmgs_write(v, FID, d, sizeof(d), VMGS_WRITE_ENCRYPT),
			 VMGS_OK);
	vmgs_close(v);
	hostif_client_free(c);
	pair_stop(&p);
}

/* Opens the file directly (with its footer, no channel) and reads FID. */
static int read_direct(const char *path, struct vmgs_check_result *chk)
{
	struct vmgs_io io;
	struct vmgs *v;
	uint8_t *d;
	uint64_t len;
	int ver;

	assert_int_equal(vmgs_io_file_open(&io, path, false), VMGS_OK);
	assert_int_equal(vmgs_check(&io, 0, key, NULL, NULL, chk), VMGS_OK);
	assert_int_equal(vmgs_open(&io, 0, &v), VMGS_OK);
	assert_int_equal(vmgs_unlock(v, key), VMGS_OK);
	assert_int_equal(vmgs_read(v, FID, 0, &d, &len), VMGS_OK);
	ver = which_version(d, len);
	free(d);
	vmgs_close(v);
	return ver;
}

static void test_open_formats_empty_and_persists(void **state)
{
	struct fixture *fx = *state;
	struct vmgs_check_result chk;
	struct pair p;
	struct hostif_client *c;
	struct vmgs *v;
	uint8_t *d;
	uint64_t len;
	int formatted = -1;

	provision(fx->path);
	assert_int_equal(read_direct(fx->path, &chk), 0);
	assert_int_equal(chk.errors, 0);
	/* Reopen through the channel: not formatted again, same data. */
	assert_int_equal(pair_start(&p, fx->path, NULL, NULL), 0);
	c = hello(&p, 1000, 4);
	assert_non_null(c);
	assert_int_equal(hostif_vmgs_open(c, VMGS_OPEN_WRITE, &v, &formatted),
			 VMGS_OK);
	assert_int_equal(formatted, 0);
	assert_int_equal(vmgs_unlock(v, key), VMGS_OK);
	assert_int_equal(vmgs_read(v, FID, 0, &d, &len), VMGS_OK);
	assert_int_equal(which_version(d, len), 0);
	free(d);
	vmgs_close(v);
	hostif_client_free(c);
	pair_stop(&p);
	unlink(fx->path);
}

static void test_damaged_is_refused(void **state)
{
	struct fixture *fx = *state;
	struct pair p;
	struct hostif_client *c;
	struct vmgs *v = NULL;
	uint8_t junk[2 * 512], *before, *after;
	size_t n1, n2;
	int formatted = -1;

	provision(fx->path);
	memset(junk, 0x5c, sizeof(junk));
	/* Both header slots are damaged (4 KiB blocks 0 and 1). */
	poke(fx->path, 0, junk, sizeof(junk));
	poke(fx->path, 4096, junk, sizeof(junk));
	before = slurp(fx->path, &n1);
	assert_int_equal(pair_start(&p, fx->path, NULL, NULL), 0);
	c = hello(&p, 1000, 4);
	assert_non_null(c);
	assert_int_equal(hostif_vmgs_open(c, VMGS_OPEN_WRITE, &v, &formatted),
			 VMGS_E_BAD_HEADER);
	assert_null(v);
	assert_int_equal(formatted, 0);
	hostif_client_free(c);
	pair_stop(&p);
	/* Never silently reformatted: not one byte changed. */
	after = slurp(fx->path, &n2);
	assert_int_equal(n1, n2);
	assert_memory_equal(before, after, n1);
	free(before);
	free(after);
	unlink(fx->path);
}

/*
 * The proof. ITER sessions through a hostile host, each: open (never
 * format), unlock, read the file (any version ever written, or an error),
 * write the next version. Then, faults off, the file itself must open
 * cleanly and hold the last acknowledged version or one written after it.
 * A host that damages reads can roll the VMGS back to an older committed
 * version (it can always do that: it stores the file), so for read-
 * altering faults any committed version is allowed, never garbage.
 */
static unsigned prove_attempts(const char *path, const char *fault,
			       int reads_altered, unsigned attempts,
			       unsigned timeout_ms)
{
	unsigned last_ok = 0, ok_writes = 0, ok_reads = 0, errors = 0;
	unsigned bad_reads = 0, bad_writes = 0;
	int pending[MAXV] = { 0 };
	struct vmgs_check_result chk;
	char spec[128];
	int ver;

	provision(path);
	for (unsigned i = 1; i <= ITER; i++) {
		struct pair p;
		struct hostif_client *c;
		struct vmgs *v;
		uint8_t d[FILE_LEN], *rd;
		uint64_t len;

		snprintf(spec, sizeof(spec), "seed=%u,%s", i * 101, fault);
		assert_int_equal(pair_start(&p, path, spec, NULL), 0);
		c = hello(&p, timeout_ms, attempts);
		if (!c) {
			errors++;
			pair_stop(&p);
			continue;
		}
		if (hostif_vmgs_open(c, VMGS_OPEN_WRITE | HOSTIF_VMGS_NO_FORMAT,
				     &v, NULL)) {
			errors++;
			goto next;
		}
		if (vmgs_unlock(v, key) == VMGS_OK) {
			if (vmgs_read(v, FID, 0, &rd, &len) == VMGS_OK) {
				/* Never silently wrong data. */
				ver = which_version(rd, len);
				assert_true(ver >= 0 && ver < (int)i);
				/* Without altered reads: old or in-flight new. */
				if (!reads_altered)
					assert_true((unsigned)ver == last_ok ||
						    pending[ver]);
				ok_reads++;
				free(rd);
			} else {
				bad_reads++;
			}
			version_data(i, d);
			if (vmgs_write(v, FID, d, sizeof(d),
				       VMGS_WRITE_ENCRYPT |
					       VMGS_WRITE_OVERWRITE) ==
			    VMGS_OK) {
				last_ok = i;
				ok_writes++;
				memset(pending, 0, sizeof(pending));
			} else {
				pending[i] = 1;
				bad_writes++;
			}
		} else {
			errors++;
		}
		vmgs_close(v);
next:
		hostif_client_free(c);
		pair_stop(&p);
	}
	ver = read_direct(path, &chk);
	print_message("# %s: writes ok %u, writes failed %u, reads ok %u, "
		      "reads refused %u, sessions failed before a write %u; "
		      "final version %d (last acknowledged %u); check errors "
		      "%u\n",
		      fault, ok_writes, bad_writes, ok_reads, bad_reads, errors,
		      ver, last_ok, chk.errors);
	assert_int_equal(chk.errors, 0);
	assert_true(ver >= 0);
	if (!reads_altered)
		assert_true((unsigned)ver == last_ok || pending[ver]);
	/* The run did exercise the write path. */
	assert_true(ok_writes > 0);
	unlink(path);
	return bad_writes;
}

static void prove(const char *path, const char *fault, int reads_altered)
{
	prove_attempts(path, fault, reads_altered, 2, 60);
}

static void test_prove_ctl_corrupt(void **state)
{
	prove(((struct fixture *)*state)->path, "ctl-corrupt=0.2", 0);
}

static void test_prove_ctl_truncate(void **state)
{
	prove(((struct fixture *)*state)->path, "ctl-truncate=0.2", 0);
}

static void test_prove_ctl_replay(void **state)
{
	prove(((struct fixture *)*state)->path, "ctl-replay=0.3", 0);
}

static void test_prove_ctl_reorder(void **state)
{
	prove(((struct fixture *)*state)->path, "ctl-reorder=0.2", 0);
}

static void test_prove_ctl_withhold(void **state)
{
	prove(((struct fixture *)*state)->path, "ctl-withhold=0.2", 0);
}

static void test_prove_vmgs_short(void **state)
{
	prove(((struct fixture *)*state)->path, "vmgs-short=0.3", 0);
}

static void test_prove_vmgs_torn(void **state)
{
	prove(((struct fixture *)*state)->path, "vmgs-torn=0.1", 1);
}

static void test_prove_vmgs_bitflip(void **state)
{
	prove(((struct fixture *)*state)->path, "vmgs-bitflip=0.05", 1);
}

/*
 * Writes abandoned in the middle of libvmgs's atomic update (no retry, so
 * a lost or short reply fails the update): the file is still old or new.
 */
static void test_prove_failed_updates(void **state)
{
	unsigned failed = prove_attempts(((struct fixture *)*state)->path,
					 "vmgs-short=0.06", 0, 1, 2000);

	assert_true(failed > 0);
}

/*
 * A host that silently changes stored bytes cannot be prevented, only
 * detected: flip one bit of the encrypted file's data at rest.
 */
static void test_stored_damage_detected(void **state)
{
	struct fixture *fx = *state;
	struct vmgs_file_info fi;
	struct vmgs_io io;
	struct vmgs *v;
	uint8_t b, *d = NULL;
	uint64_t len;
	FILE *f;

	provision(fx->path);
	assert_int_equal(vmgs_io_file_open(&io, fx->path, false), VMGS_OK);
	assert_int_equal(vmgs_open(&io, 0, &v), VMGS_OK);
	assert_int_equal(vmgs_stat(v, FID, &fi), VMGS_OK);
	vmgs_close(v);
	f = fopen(fx->path, "r+b");
	assert_non_null(f);
	assert_int_equal(fseek(f, (long)fi.block_offset * 4096 + 100, SEEK_SET),
			 0);
	assert_int_equal(fread(&b, 1, 1, f), 1);
	b ^= 0x08;
	assert_int_equal(fseek(f, (long)fi.block_offset * 4096 + 100, SEEK_SET),
			 0);
	assert_int_equal(fwrite(&b, 1, 1, f), 1);
	fclose(f);
	assert_int_equal(vmgs_io_file_open(&io, fx->path, false), VMGS_OK);
	assert_int_equal(vmgs_open(&io, 0, &v), VMGS_OK);
	assert_int_equal(vmgs_unlock(v, key), VMGS_OK);
	assert_int_equal(vmgs_read(v, FID, 0, &d, &len), VMGS_E_AUTH);
	assert_null(d);
	vmgs_close(v);
	unlink(fx->path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_default_file),
		cmocka_unit_test(test_refuses_non_vhd),
		cmocka_unit_test(test_footer_unreachable),
		cmocka_unit_test(test_open_formats_empty_and_persists),
		cmocka_unit_test(test_damaged_is_refused),
		cmocka_unit_test(test_prove_ctl_corrupt),
		cmocka_unit_test(test_prove_ctl_truncate),
		cmocka_unit_test(test_prove_ctl_replay),
		cmocka_unit_test(test_prove_ctl_reorder),
		cmocka_unit_test(test_prove_ctl_withhold),
		cmocka_unit_test(test_prove_vmgs_short),
		cmocka_unit_test(test_prove_vmgs_torn),
		cmocka_unit_test(test_prove_vmgs_bitflip),
		cmocka_unit_test(test_prove_failed_updates),
		cmocka_unit_test(test_stored_damage_detected),
	};

	return cmocka_run_group_tests(tests, pair_fixture_setup,
				      pair_fixture_teardown);
}
