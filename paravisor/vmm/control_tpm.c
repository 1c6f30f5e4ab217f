// SPDX-License-Identifier: MIT
/*
 * The vTPM's state in the VMGS (control_tpm.h). A file 3 that is there but
 * cannot be used is never replaced by a fresh TPM: that would throw away
 * the guest's keys. The paravisor stops instead and the file stays as it
 * is, for a later boot with the right key or an operator's decision.
 */
#include "control_tpm.h"
#include "log.h"

#include <stdio.h>
#include <stdlib.h>

#include "mantle_pv_status.h"

static const struct {
	const char *name;
	int status;
} load_results[TPM_LOAD_RESULT_COUNT] = {
	[TPM_LOAD_FRESH] = { "fresh", 0 },
	[TPM_LOAD_FOUND] = { "loaded", 0 },
	[TPM_LOAD_UNREADABLE] = { "unreadable", PV_EXIT_HOSTIF },
	[TPM_LOAD_UNDECRYPTABLE] = { "undecryptable", PV_EXIT_TPM_STATE },
	[TPM_LOAD_PLAINTEXT] = { "plaintext", PV_EXIT_TPM_STATE },
	[TPM_LOAD_REFUSED] = { "refused", PV_EXIT_TPM_STATE },
};

const char *control_tpm_load_name(enum tpm_load_result r)
{
	return (unsigned)r < TPM_LOAD_RESULT_COUNT ? load_results[r].name : "?";
}

int control_tpm_load_status(enum tpm_load_result r)
{
	return (unsigned)r < TPM_LOAD_RESULT_COUNT ? load_results[r].status :
						     PV_EXIT_INTERNAL;
}

/* What the table says about file 3, before any read: -1 to go on. */
static int screen(struct vmgs *v, char *why, size_t whylen)
{
	struct vmgs_file_info fi;
	enum vmgs_err e = vmgs_stat(v, VMGS_FID_TPM_NVRAM, &fi);

	if (e == VMGS_E_NOT_FOUND || (!e && !fi.allocated)) {
		snprintf(why, whylen,
			 "no TPM state in the VMGS (file 3): a "
			 "new TPM is manufactured");
		return TPM_LOAD_FRESH;
	}
	if (e || !fi.valid_bytes || fi.valid_bytes > TPM_SAVE_MAX_BYTES) {
		snprintf(why, whylen, "file 3 %s (%llu bytes): not a TPM state",
			 e ? vmgs_strerror(e) : "has an impossible size",
			 (unsigned long long)(e ? 0 : fi.valid_bytes));
		return TPM_LOAD_REFUSED;
	}
	if (!fi.encrypted || !vmgs_is_unlocked(v)) {
		snprintf(why, whylen,
			 "file 3 is stored unencrypted: never "
			 "used as TPM state");
		return TPM_LOAD_PLAINTEXT;
	}
	return -1;
}

enum tpm_load_result control_tpm_load(struct vmgs *v, struct tpm_nv *nv,
				      tpm_state_check_fn check, char *why,
				      size_t whylen)
{
	unsigned auth = 0, failed = 0;
	enum vmgs_err e = VMGS_E_IO;
	uint8_t *data = NULL;
	uint64_t len = 0;
	int r = screen(v, why, whylen);

	if (r >= 0)
		return (enum tpm_load_result)r;
	for (unsigned i = 0; i < TPM_LOAD_TRIES; i++) {
		e = vmgs_read(v, VMGS_FID_TPM_NVRAM, 0, &data, &len);
		if (e == VMGS_OK)
			break;
		if (e == VMGS_E_IO)
			failed++;
		else
			auth++;
	}
	if (e != VMGS_OK) {
		snprintf(why, whylen,
			 "file 3 %s on every one of %u reads (%u failed): left "
			 "untouched",
			 auth ? "does not decrypt" : "cannot be read",
			 TPM_LOAD_TRIES, failed);
		return auth ? TPM_LOAD_UNDECRYPTABLE : TPM_LOAD_UNREADABLE;
	}
	nv->permall = data;
	nv->len = (uint32_t)len;
	if (check(nv) < 0) {
		free(nv->permall);
		nv->permall = NULL;
		nv->len = 0;
		snprintf(why, whylen,
			 "file 3 decrypts (%llu bytes) but libtpms refuses it "
			 "as its permanent state: left untouched",
			 (unsigned long long)len);
		return TPM_LOAD_REFUSED;
	}
	snprintf(why, whylen,
		 "TPM state loaded from the VMGS (file 3, %llu "
		 "bytes, encrypted)",
		 (unsigned long long)len);
	return TPM_LOAD_FOUND;
}

static void on_stored(void *ctx, const uint8_t *data, uint32_t len)
{
	tpm_save_post(ctx, data, len, pv_uptime_ms());
}

static void on_urge(void *ctx)
{
	tpm_save_urge(ctx);
}

void control_tpm_hook(struct tpm_nv *nv, struct tpm_save *s)
{
	nv->stored = on_stored;
	nv->stored_ctx = s;
	nv->urge = on_urge;
}

/* A failed write: logged, and a handle the failure poisoned read again. */
static void write_failed(struct vmgs *v, struct tpm_save *s, enum vmgs_err e)
{
	struct tpm_save_counters n;

	tpm_save_counters(s, &n);
	pv_log("vtpm: saving the TPM state to the VMGS failed (%s), write "
	       "failure %llu: kept, tried again in %d ms",
	       vmgs_strerror(e), (unsigned long long)n.failures + 1,
	       TPM_SAVE_RETRY_MS);
	if (e != VMGS_E_IO && e != VMGS_E_POISONED)
		return;
	e = vmgs_reload(v);
	if (e)
		pv_log("vtpm: the VMGS cannot be read again after the failed "
		       "write (%s)",
		       vmgs_strerror(e));
}

int control_tpm_pump(struct vmgs *v, struct tpm_save *s, uint64_t now,
		     bool force)
{
	uint8_t *data;
	uint32_t len;
	enum vmgs_err e;

	if (!tpm_save_take(s, now, force, &data, &len))
		return 0;
	e = vmgs_write(v, VMGS_FID_TPM_NVRAM, data, len,
		       VMGS_WRITE_ENCRYPT | VMGS_WRITE_OVERWRITE);
	if (e == VMGS_OK) {
		struct tpm_save_counters n;

		tpm_save_counters(s, &n);
		if (!n.writes)
			pv_log("vtpm: TPM state saved to the VMGS (file 3, %u "
			       "bytes, encrypted); later saves are counted",
			       len);
		tpm_save_done(s, data, len, true, now);
		return 1;
	}
	write_failed(v, s, e);
	tpm_save_done(s, data, len, false, now);
	return -1;
}

int control_tpm_flush(struct vmgs *v, struct tpm_save *s, uint64_t now)
{
	for (unsigned i = 0; i < TPM_FLUSH_TRIES && !tpm_save_idle(s); i++)
		control_tpm_pump(v, s, now, true);
	if (tpm_save_idle(s))
		return 0;
	pv_log("vtpm: TPM STATE LOST: the latest TPM state could not be "
	       "written to the VMGS in %d tries; the VMGS keeps the last "
	       "saved one",
	       TPM_FLUSH_TRIES);
	return -1;
}

void control_tpm_log(struct tpm_save *s, const char *when)
{
	struct tpm_save_counters n;

	tpm_save_counters(s, &n);
	pv_log("vtpm: state saves: %llu stores, %llu coalesced, %llu "
	       "unchanged, %llu VMGS writes, %llu failed, %llu dropped%s (%s)",
	       (unsigned long long)n.posts, (unsigned long long)n.coalesced,
	       (unsigned long long)n.unchanged, (unsigned long long)n.writes,
	       (unsigned long long)n.failures, (unsigned long long)n.dropped,
	       tpm_save_idle(s) ? "" : ", the latest state NOT SAVED", when);
}
