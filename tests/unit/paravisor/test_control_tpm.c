// SPDX-License-Identifier: MIT
/*
 * The vTPM's state in the VMGS (paravisor/vmm/control_tpm.c, tpm_save.c)
 * on libvmgs's in-memory io, encrypted as the paravisor opens it, with the
 * real libtpms: the batching window (a burst of stores becomes one write,
 * a steady stream one per TPM_SAVE_MAX_DELAY_MS), newest wins, the flush
 * at close, a failed write retried on the next window (the poisoned handle
 * reloaded), the load of a file 3 that is absent, present, undecryptable,
 * plaintext or refused by libtpms (never replaced, never written), and a
 * save cut after every write of the update (libvmgs's fault io), each
 * crash image reopening with exactly the old or exactly the new state.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "control_tpm.h"
#include "hostif_client.h"
#include "hostif_vmgs.h"
#include "mantle_pv_status.h"
#include "pair.h"
#include "tpm_lib.h"

#define CAP (1024 * 1024ull)
#define T0 1000000ull /* a "now" far from 0 */

static const uint8_t key[VMGS_KEY_SIZE] = { 7, 7, 7, 7, 1, 2, 3, 4 };

/* A VMGS as the paravisor has it: formatted, encrypted, unlocked. *io
 * gets a copy of its io (the same ctx) for the test's own look. */
static struct vmgs *new_vmgs(struct vmgs_io *io_out)
{
	struct vmgs_io io;
	struct vmgs *v;

	assert_int_equal(vmgs_io_mem_new(&io, NULL, CAP), VMGS_OK);
	if (io_out)
		*io_out = io;
	assert_int_equal(
		vmgs_format(&io, CAP, VMGS_OPEN_WRITE | VMGS_OPEN_RAW, &v),
		VMGS_OK);
	assert_int_equal(vmgs_add_first_key(v, key), VMGS_OK);
	return v;
}

/* Opens an image copy, unlocked. */
static enum vmgs_err open_image(const uint8_t *img, uint64_t len,
				struct vmgs **out)
{
	struct vmgs_io io;
	enum vmgs_err e;

	assert_int_equal(vmgs_io_mem_new(&io, img, len), VMGS_OK);
	e = vmgs_open(&io, VMGS_OPEN_WRITE | VMGS_OPEN_RAW, out);
	if (e) {
		vmgs_io_close(&io);
		return e;
	}
	e = vmgs_unlock(*out, key);
	if (e) {
		vmgs_close(*out);
		*out = NULL;
	}
	return e;
}

static void assert_file3(struct vmgs *v, const void *want, uint64_t wlen)
{
	uint8_t *d;
	uint64_t len;

	assert_int_equal(vmgs_read(v, VMGS_FID_TPM_NVRAM, 0, &d, &len),
			 VMGS_OK);
	assert_int_equal(len, wlen);
	assert_memory_equal(d, want, wlen);
	free(d);
}

/* A real libtpms permanent state: a freshly manufactured TPM's. */
static uint8_t *real_state(uint32_t *len)
{
	struct tpm_nv nv = { 0 };
	uint8_t *d;

	assert_int_equal(tpm_lib_start(&nv, 4096), 0);
	tpm_lib_stop();
	assert_non_null(nv.permall);
	assert_true(nv.len > 100);
	d = nv.permall;
	*len = nv.len;
	return d;
}

static int accept_all(struct tpm_nv *nv)
{
	(void)nv;
	return 0;
}

/* N stores 10 ms apart, the writer looking every 10 ms, then quiet. */
static unsigned burst(struct vmgs *v, struct tpm_save *s, unsigned n,
		      uint8_t *blob, uint32_t len)
{
	unsigned writes = 0;
	uint64_t t = T0;

	for (unsigned i = 0; i < n; i++, t += 10) {
		blob[0] = (uint8_t)i;
		blob[1] = (uint8_t)(i >> 8);
		tpm_save_post(s, blob, len, t);
		writes += control_tpm_pump(v, s, t, false) == 1;
	}
	for (unsigned i = 0; i < 200; i++, t += 10)
		writes += control_tpm_pump(v, s, t, false) == 1;
	assert_true(tpm_save_idle(s));
	return writes;
}

static void test_burst_one_write(void **state)
{
	struct vmgs *v = new_vmgs(NULL);
	struct tpm_save *s = tpm_save_new();
	struct tpm_save_counters n;
	uint8_t blob[3000] = { 0 };

	(void)state;
	/* 50 stores in 0.5 s: quiet after them, one write. */
	assert_int_equal(burst(v, s, 50, blob, sizeof(blob)), 1);
	assert_file3(v, blob, sizeof(blob)); /* the last one */
	tpm_save_counters(s, &n);
	assert_int_equal(n.posts, 50);
	assert_int_equal(n.coalesced, 49);
	assert_int_equal(n.writes, 1);
	tpm_save_free(s);
	vmgs_close(v);
}

static void test_stream_bounded(void **state)
{
	struct vmgs *v = new_vmgs(NULL);
	struct tpm_save *s = tpm_save_new();
	uint8_t blob[3000] = { 0 };
	unsigned w;

	(void)state;
	/* 500 stores over 5 s never go quiet: one write per max delay. */
	w = burst(v, s, 500, blob, sizeof(blob));
	print_message("500 stores in 5 s: %u VMGS writes\n", w);
	assert_true(w >= 5000 / (TPM_SAVE_MAX_DELAY_MS + 10) - 1);
	assert_true(w <= 5000 / TPM_SAVE_MAX_DELAY_MS + 1);
	assert_file3(v, blob, sizeof(blob));
	tpm_save_free(s);
	vmgs_close(v);
}

static void test_window(void **state)
{
	struct tpm_save *s = tpm_save_new();
	uint8_t b = 1;

	(void)state;
	assert_int_equal(tpm_save_due_in(s, T0), -1);
	tpm_save_post(s, &b, 1, T0);
	assert_int_equal(tpm_save_due_in(s, T0), TPM_SAVE_QUIET_MS);
	tpm_save_post(s, &b, 1, T0 + 200);
	assert_int_equal(tpm_save_due_in(s, T0 + 200), TPM_SAVE_QUIET_MS);
	/* A stream defers it to the max delay, no further. */
	tpm_save_post(s, &b, 1, T0 + TPM_SAVE_MAX_DELAY_MS - 1);
	assert_int_equal(tpm_save_due_in(s, T0 + TPM_SAVE_MAX_DELAY_MS - 1), 1);
	/* A power-off: due now. */
	tpm_save_urge(s);
	assert_int_equal(tpm_save_due_in(s, T0), 0);
	tpm_save_free(s);
}

static void test_newest_wins_and_flush(void **state)
{
	struct vmgs *v = new_vmgs(NULL);
	struct tpm_save *s = tpm_save_new();

	(void)state;
	tpm_save_post(s, (const uint8_t *)"first", 5, T0);
	tpm_save_post(s, (const uint8_t *)"second", 6, T0 + 1);
	tpm_save_post(s, (const uint8_t *)"third!!", 7, T0 + 2);
	/* Not due yet: nothing written. */
	assert_int_equal(control_tpm_pump(v, s, T0 + 3, false), 0);
	assert_int_equal(
		vmgs_read(v, 3, 0, &(uint8_t *){ NULL }, &(uint64_t){ 0 }),
		VMGS_E_NOT_FOUND);
	/* The paravisor stops: written at once, the newest. */
	assert_int_equal(control_tpm_flush(v, s, T0 + 4), 0);
	assert_file3(v, "third!!", 7);
	assert_true(tpm_save_idle(s));
	/* Nothing pending: the flush writes nothing. */
	assert_int_equal(control_tpm_flush(v, s, T0 + 5), 0);
	/* The same state stored again (a TPM2_Startup): not written. */
	tpm_save_post(s, (const uint8_t *)"third!!", 7, T0 + 6);
	assert_int_equal(control_tpm_pump(v, s, T0 + 6, true), 0);
	assert_true(tpm_save_idle(s));
	{
		struct tpm_save_counters n;

		tpm_save_counters(s, &n);
		assert_int_equal(n.writes, 1);
		assert_int_equal(n.unchanged, 1);
	}
	tpm_save_free(s);
	vmgs_close(v);
}

/* An io over a memory io whose writes and flushes fail while `fail`, and
 * whose write number `fail_at` (0-based) fails once. */
struct flaky {
	struct vmgs_io in;
	int fail;
	unsigned refused;
	uint64_t writes, fail_at;
};

static int fl_read(void *c, uint64_t off, void *buf, size_t len)
{
	struct flaky *f = c;

	return f->in.ops->read(f->in.ctx, off, buf, len);
}

static int fl_write(void *c, uint64_t off, const void *buf, size_t len)
{
	struct flaky *f = c;

	if (f->fail || f->writes++ == f->fail_at) {
		f->refused++;
		return -1;
	}
	return f->in.ops->write(f->in.ctx, off, buf, len);
}

static int fl_flush(void *c)
{
	struct flaky *f = c;

	return f->fail ? -1 : f->in.ops->flush(f->in.ctx);
}

static void fl_destroy(void *c)
{
	struct flaky *f = c;

	vmgs_io_close(&f->in);
	free(f);
}

static const struct vmgs_io_ops flaky_ops = { fl_read, fl_write, fl_flush,
					      fl_destroy, NULL };

static void test_failure_retried(void **state)
{
	struct flaky *f = calloc(1, sizeof(*f));
	struct vmgs_io io;
	struct vmgs *v;
	struct tpm_save *s = tpm_save_new();
	struct tpm_save_counters n;
	uint64_t t = T0;

	(void)state;
	assert_non_null(f);
	f->fail_at = UINT64_MAX;
	assert_int_equal(vmgs_io_mem_new(&f->in, NULL, CAP), VMGS_OK);
	io = (struct vmgs_io){ &flaky_ops, f, f->in.size, f->in.sector_size };
	assert_int_equal(
		vmgs_format(&io, CAP, VMGS_OPEN_WRITE | VMGS_OPEN_RAW, &v),
		VMGS_OK);
	assert_int_equal(vmgs_add_first_key(v, key), VMGS_OK);
	assert_int_equal(vmgs_write(v, 3, "old", 3,
				    VMGS_WRITE_ENCRYPT | VMGS_WRITE_OVERWRITE),
			 VMGS_OK);
	tpm_save_post(s, (const uint8_t *)"new state", 9, t);
	f->fail = 1;
	t += TPM_SAVE_QUIET_MS;
	assert_int_equal(control_tpm_pump(v, s, t, false), -1);
	assert_true(f->refused > 0);
	assert_false(tpm_save_idle(s)); /* kept */
	/* The handle was reloaded: it reads the old state, not poisoned. */
	assert_file3(v, "old", 3);
	f->fail = 0;
	/* Not before the retry delay... */
	assert_int_equal(control_tpm_pump(v, s, t + 1, false), 0);
	/* ...then written. */
	assert_int_equal(control_tpm_pump(v, s, t + TPM_SAVE_RETRY_MS, false),
			 1);
	assert_file3(v, "new state", 9);
	tpm_save_counters(s, &n);
	assert_int_equal(n.failures, 1);
	assert_int_equal(n.writes, 1);
	/* A failure while a newer state came: the newer one is written. */
	tpm_save_post(s, (const uint8_t *)"A", 1, t);
	f->fail = 1;
	assert_int_equal(control_tpm_flush(v, s, t), -1); /* lost: logged */
	tpm_save_post(s, (const uint8_t *)"B", 1, t);
	f->fail = 0;
	assert_int_equal(control_tpm_flush(v, s, t), 0);
	assert_file3(v, "B", 1);
	tpm_save_free(s);
	vmgs_close(v);
}

/* The save's write number k fails (the host refused it, the handle is
 * poisoned): the handle reloads to the old or the new state, the retry
 * writes the new one, and the file checks clean. For every k. */
static void test_retry_every_write(void **state)
{
	uint64_t total = 0;

	(void)state;
	for (uint64_t k = 0;; k++) {
		struct flaky *f = calloc(1, sizeof(*f));
		struct tpm_save *s = tpm_save_new();
		struct vmgs_check_result res;
		struct vmgs_io io, chk;
		struct vmgs *v;
		uint64_t base;
		int r;

		assert_non_null(f);
		f->fail_at = UINT64_MAX;
		assert_int_equal(vmgs_io_mem_new(&f->in, NULL, CAP), VMGS_OK);
		io = (struct vmgs_io){ &flaky_ops, f, f->in.size,
				       f->in.sector_size };
		assert_int_equal(vmgs_format(&io, CAP,
					     VMGS_OPEN_WRITE | VMGS_OPEN_RAW,
					     &v),
				 VMGS_OK);
		assert_int_equal(vmgs_add_first_key(v, key), VMGS_OK);
		assert_int_equal(
			vmgs_write(v, 3, "old", 3,
				   VMGS_WRITE_ENCRYPT | VMGS_WRITE_OVERWRITE),
			VMGS_OK);
		base = f->writes;
		f->fail_at = base + k;
		tpm_save_post(s, (const uint8_t *)"new state", 9, T0);
		r = control_tpm_pump(v, s, T0, true);
		if (r == 1) { /* k is past the last write: done */
			total = k;
			tpm_save_free(s);
			vmgs_close(v);
			break;
		}
		assert_int_equal(r, -1);
		/* Not poisoned: one state or the other, readable. */
		{
			uint8_t *d;
			uint64_t len;

			assert_int_equal(vmgs_read(v, 3, 0, &d, &len), VMGS_OK);
			assert_true((len == 3 && !memcmp(d, "old", 3)) ||
				    (len == 9 && !memcmp(d, "new state", 9)));
			free(d);
		}
		assert_int_equal(
			control_tpm_pump(v, s, T0 + TPM_SAVE_RETRY_MS, false),
			1);
		assert_file3(v, "new state", 9);
		assert_int_equal(
			vmgs_io_mem_new(&chk, vmgs_io_mem_data(&f->in), CAP),
			VMGS_OK);
		assert_int_equal(
			vmgs_check(&chk, VMGS_OPEN_RAW, NULL, NULL, NULL, &res),
			VMGS_OK);
		assert_int_equal(res.errors, 0);
		vmgs_io_close(&chk);
		tpm_save_free(s);
		vmgs_close(v);
	}
	print_message("a save's %llu writes each refused once: reloaded, "
		      "retried, clean\n",
		      (unsigned long long)total);
	assert_true(total >= 3);
}

/* The image of v, with its file 3 as the test put it. */
static uint8_t *image_of(struct vmgs_io *io)
{
	uint8_t *img = malloc(CAP);

	assert_non_null(img);
	memcpy(img, vmgs_io_mem_data(io), CAP);
	return img;
}

static enum tpm_load_result load_img(const uint8_t *img, struct tpm_nv *nv,
				     tpm_state_check_fn check)
{
	struct vmgs *v;
	char why[300];
	enum tpm_load_result r;
	uint8_t *before = malloc(CAP);

	assert_non_null(before);
	memcpy(before, img, CAP);
	assert_int_equal(open_image(img, CAP, &v), VMGS_OK);
	r = control_tpm_load(v, nv, check, why, sizeof(why));
	print_message("load: %s: %s\n", control_tpm_load_name(r), why);
	vmgs_close(v);
	/* Never written by a load, whatever it found. */
	assert_memory_equal(before, img, CAP);
	free(before);
	return r;
}

static void test_load(void **state)
{
	struct vmgs_io io;
	struct vmgs *v = new_vmgs(&io);
	struct tpm_nv nv = { 0 };
	struct vmgs_file_info fi;
	uint32_t len;
	uint8_t *st = real_state(&len), *img;

	(void)state;
	/* Absent: a fresh TPM. */
	img = image_of(&io);
	assert_int_equal(load_img(img, &nv, tpm_lib_check), TPM_LOAD_FRESH);
	assert_null(nv.permall);
	assert_int_equal(control_tpm_load_status(TPM_LOAD_FRESH), 0);
	free(img);

	/* Present: loaded, and libtpms starts on it. */
	assert_int_equal(vmgs_write(v, 3, st, len,
				    VMGS_WRITE_ENCRYPT | VMGS_WRITE_OVERWRITE),
			 VMGS_OK);
	img = image_of(&io);
	assert_int_equal(load_img(img, &nv, tpm_lib_check), TPM_LOAD_FOUND);
	assert_int_equal(nv.len, len);
	assert_memory_equal(nv.permall, st, len);
	assert_int_equal(tpm_lib_start(&nv, 4096), 0);
	assert_int_equal(tpm_lib_startup(), 0);
	tpm_lib_stop();
	tpm_nv_clear(&nv);

	/* One ciphertext byte flipped: undecryptable, status 13. */
	assert_int_equal(vmgs_stat(v, 3, &fi), VMGS_OK);
	img[(uint64_t)fi.block_offset * VMGS_BLOCK_SIZE + 10] ^= 0x40;
	assert_int_equal(load_img(img, &nv, tpm_lib_check),
			 TPM_LOAD_UNDECRYPTABLE);
	assert_null(nv.permall);
	assert_int_equal(control_tpm_load_status(TPM_LOAD_UNDECRYPTABLE),
			 PV_EXIT_TPM_STATE);
	free(img);

	/* Decrypts, but not a libtpms state: refused, status 13. */
	st[len / 2] ^= 0xff;
	st[20] ^= 0xff;
	assert_int_equal(vmgs_write(v, 3, st, len,
				    VMGS_WRITE_ENCRYPT | VMGS_WRITE_OVERWRITE),
			 VMGS_OK);
	img = image_of(&io);
	assert_int_equal(load_img(img, &nv, tpm_lib_check), TPM_LOAD_REFUSED);
	assert_null(nv.permall);
	free(img);
	assert_int_equal(vmgs_write(v, 3, "garbage", 7,
				    VMGS_WRITE_ENCRYPT | VMGS_WRITE_OVERWRITE),
			 VMGS_OK);
	img = image_of(&io);
	assert_int_equal(load_img(img, &nv, tpm_lib_check), TPM_LOAD_REFUSED);
	free(img);

	/* Stored in plaintext (not by the paravisor): never used. */
	assert_int_equal(vmgs_write(v, 3, "plain", 5, VMGS_WRITE_OVERWRITE),
			 VMGS_OK);
	img = image_of(&io);
	assert_int_equal(load_img(img, &nv, accept_all), TPM_LOAD_PLAINTEXT);
	assert_int_equal(control_tpm_load_status(TPM_LOAD_PLAINTEXT),
			 PV_EXIT_TPM_STATE);
	free(img);
	free(st);
	vmgs_close(v);
}

/* The real TPM hooked to the saves: what it stores reaches file 3, and a
 * new run loads it back; nothing of it is in the image in plaintext. */
static void test_end_to_end(void **state)
{
	struct vmgs_io io;
	struct vmgs *v = new_vmgs(&io);
	struct tpm_save *s = tpm_save_new();
	struct tpm_nv nv = { 0 }, again = { 0 };
	char why[300];

	(void)state;
	control_tpm_hook(&nv, s);
	assert_int_equal(tpm_lib_start(&nv, 4096), 0); /* manufactures */
	assert_int_equal(tpm_lib_startup(), 0);
	tpm_lib_stop();
	assert_false(tpm_save_idle(s));
	assert_int_equal(control_tpm_flush(v, s, T0), 0);
	assert_file3(v, nv.permall, nv.len);
	assert_null(memmem(vmgs_io_mem_data(&io), CAP, nv.permall + 64, 32));
	assert_int_equal(
		control_tpm_load(v, &again, tpm_lib_check, why, sizeof(why)),
		TPM_LOAD_FOUND);
	assert_int_equal(again.len, nv.len);
	assert_memory_equal(again.permall, nv.permall, nv.len);
	/* The next power-on stores again: TPM2_Startup changes the state. */
	assert_int_equal(tpm_lib_start(&again, 4096), 0);
	assert_int_equal(tpm_lib_startup(), 0);
	tpm_lib_stop();
	print_message("a power-on with TPM2_Startup(CLEAR): %llu store(s), "
		      "state %s\n",
		      (unsigned long long)again.stores,
		      again.len == nv.len && !memcmp(again.permall, nv.permall,
						     nv.len) ?
			      "unchanged" :
			      "changed");
	tpm_nv_clear(&again);
	tpm_nv_clear(&nv);
	tpm_save_free(s);
	vmgs_close(v);
}

/* Through the real hostif server into a real file, as the paravisor
 * saves: each save's data and its header are each followed by a FLUSH the
 * host answers only after fdatasync (hostif/src/store.c, libvmgs's file
 * io), and the host's file then holds the new state, encrypted. */
static void test_through_hostif(void **state)
{
	struct hostif_client_cfg cfg = { .timeout_ms = 10000,
					 .features = HOSTIF_F_KNOWN };
	const struct hostif_server_counters *k;
	struct hostif_client *c;
	struct tpm_save *s = tpm_save_new();
	struct vmgs_io io;
	struct vmgs *v;
	struct pair p;
	char *dir = pair_tmpdir(), path[256];
	uint64_t flushes, writes;
	uint32_t len;
	uint8_t *st = real_state(&len);

	(void)state;
	assert_non_null(dir);
	snprintf(path, sizeof(path), "%s/t.vmgs", dir);
	assert_int_equal(pair_start(&p, path, NULL, NULL), 0);
	assert_int_equal(hostif_client_new(p.pv_fd, &cfg, &c), 0);
	assert_int_equal(hostif_client_hello(c), 0);
	assert_int_equal(hostif_vmgs_io_new(c, &io), VMGS_OK);
	assert_int_equal(
		vmgs_format(&io, io.size, VMGS_OPEN_WRITE | VMGS_OPEN_RAW, &v),
		VMGS_OK);
	assert_int_equal(vmgs_add_first_key(v, key), VMGS_OK);
	k = hostif_server_counters(p.srv);
	flushes = k->flushes;
	writes = k->writes;
	tpm_save_post(s, st, len, T0);
	assert_int_equal(control_tpm_pump(v, s, T0 + TPM_SAVE_QUIET_MS, false),
			 1);
	print_message("one save of %u bytes through hostif: %llu writes, %llu "
		      "flushes\n",
		      len, (unsigned long long)(k->writes - writes),
		      (unsigned long long)(k->flushes - flushes));
	assert_true(k->flushes - flushes >= 2);
	vmgs_close(v);
	hostif_client_free(c);
	pair_stop(&p);
	/* The host's file, opened as vmgstool would, with the key. */
	assert_int_equal(vmgs_io_file_open(&io, path, false), VMGS_OK);
	assert_int_equal(vmgs_open(&io, 0, &v), VMGS_OK);
	assert_int_equal(vmgs_unlock(v, key), VMGS_OK);
	assert_file3(v, st, len);
	vmgs_close(v);
	pair_rmdir(dir);
	tpm_save_free(s);
	free(st);
}

/* The old state, the save of a new one cut after write k, every crash
 * image: exactly old or exactly new. */
static unsigned crash_at(const uint8_t *base, uint64_t k, const uint8_t *o,
			 uint32_t olen, const uint8_t *nw, uint32_t nlen,
			 uint64_t *writes)
{
	struct vmgs_io io, keep;
	struct vmgs *v;
	struct tpm_save *s = tpm_save_new();
	unsigned images = 0, pending;

	assert_int_equal(vmgs_io_fault_new(&io, base, CAP, k), VMGS_OK);
	keep = io;
	assert_int_equal(vmgs_open(&io, VMGS_OPEN_WRITE | VMGS_OPEN_RAW, &v),
			 VMGS_OK);
	assert_int_equal(vmgs_unlock(v, key), VMGS_OK);
	tpm_save_post(s, nw, nlen, T0);
	control_tpm_flush(v, s, T0);
	*writes = vmgs_io_fault_writes(&keep);
	pending = vmgs_io_fault_pending(&keep);
	assert_true(pending < 12);
	for (uint64_t m = 0; m < (1ull << pending); m++) {
		for (int torn = 0; torn < 2; torn++) {
			uint8_t *img;
			uint64_t len;
			struct vmgs *c;
			uint8_t *d;
			uint64_t dlen;

			assert_int_equal(vmgs_io_fault_crash_image(
						 &keep,
						 m | (torn ? 1ull << 63 : 0),
						 &img, &len),
					 VMGS_OK);
			assert_int_equal(open_image(img, len, &c), VMGS_OK);
			assert_int_equal(vmgs_read(c, 3, 0, &d, &dlen),
					 VMGS_OK);
			assert_true((dlen == olen && !memcmp(d, o, olen)) ||
				    (dlen == nlen && !memcmp(d, nw, nlen)));
			free(d);
			vmgs_close(c);
			free(img);
			images++;
		}
	}
	tpm_save_free(s);
	vmgs_close(v);
	return images;
}

static void test_crash_every_write(void **state)
{
	struct vmgs_io io;
	struct vmgs *v = new_vmgs(&io);
	uint32_t olen;
	uint8_t *o = real_state(&olen), *nw = malloc(olen + 5000), *base;
	uint32_t nlen = olen + 5000; /* a bigger state: more blocks */
	uint64_t writes = 0, total = UINT64_MAX;
	unsigned images = 0;

	(void)state;
	assert_non_null(nw);
	for (uint32_t i = 0; i < nlen; i++)
		nw[i] = (uint8_t)(i * 7 + 3);
	assert_int_equal(vmgs_write(v, 3, o, olen,
				    VMGS_WRITE_ENCRYPT | VMGS_WRITE_OVERWRITE),
			 VMGS_OK);
	base = image_of(&io);
	/* The whole save with no fault: how many writes it takes. */
	crash_at(base, UINT64_MAX, o, olen, nw, nlen, &total);
	assert_true(total >= 3);
	for (uint64_t k = 0; k <= total; k++)
		images += crash_at(base, k, o, olen, nw, nlen, &writes);
	print_message("save of %u bytes: %llu writes, cut after each: %u crash "
		      "images, each old or new\n",
		      nlen, (unsigned long long)total, images);
	free(base);
	free(o);
	free(nw);
	vmgs_close(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_window),
		cmocka_unit_test(test_burst_one_write),
		cmocka_unit_test(test_stream_bounded),
		cmocka_unit_test(test_newest_wins_and_flush),
		cmocka_unit_test(test_failure_retried),
		cmocka_unit_test(test_retry_every_write),
		cmocka_unit_test(test_load),
		cmocka_unit_test(test_end_to_end),
		cmocka_unit_test(test_through_hostif),
		cmocka_unit_test(test_crash_every_write),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
