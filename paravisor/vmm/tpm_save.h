/* SPDX-License-Identifier: MIT */
/*
 * The hand-off of the vTPM's state from the vCPU that changed it to the
 * thread that writes it to the VMGS (control_tpm.h), and the batching
 * window. libtpms stores its permanent state ("permall") inside a command,
 * on a vCPU thread in an MMIO exit, which must not wait on the host: it
 * posts a copy here (the newest replaces any older one not yet written)
 * and wakes the writer. The writer writes the newest state once the
 * stores have been quiet for TPM_SAVE_QUIET_MS, and at the latest
 * TPM_SAVE_MAX_DELAY_MS after the first store not yet written, so a burst
 * of NV writes becomes one VMGS update and a steady stream of them one
 * update per TPM_SAVE_MAX_DELAY_MS.
 *
 * What a crash loses: the stores of the window, i.e. at most the last
 * TPM_SAVE_MAX_DELAY_MS of TPM state changes plus the one write in
 * progress (the VMGS then holds the state before it: libvmgs's update is
 * atomic). A clean power-off, reboot or exit writes at once
 * (tpm_save_urge, control_close).
 *
 * Thread-safe: tpm_save_post and tpm_save_urge from any thread, the rest
 * from the writer.
 */
#ifndef MANTLE_VMM_TPM_SAVE_H
#define MANTLE_VMM_TPM_SAVE_H

#include <stdbool.h>
#include <stdint.h>

/* Quiet time after the last store before the state is written. */
#define TPM_SAVE_QUIET_MS 250
/* Longest a stream of stores may defer the write of the first one. */
#define TPM_SAVE_MAX_DELAY_MS 1000
/* A write that failed is tried again this long after. */
#define TPM_SAVE_RETRY_MS 1000
/* A state larger than this is never taken from the VMGS nor written. */
#define TPM_SAVE_MAX_BYTES (1u << 20)

struct tpm_save;

struct tpm_save_counters {
	uint64_t posts; /* stores handed over */
	uint64_t coalesced; /* replaced before they were written */
	uint64_t writes; /* updates written */
	uint64_t failures; /* writes that failed (retried) */
	uint64_t dropped; /* posts lost to a full memory (never else) */
	uint64_t unchanged; /* due, but the state the VMGS already holds */
};

/* NULL if out of memory or eventfd fails. */
struct tpm_save *tpm_save_new(void);
void tpm_save_free(struct tpm_save *s);
/* Readable after a post or an urge (the writer polls it; take() drains). */
int tpm_save_wake_fd(const struct tpm_save *s);

/* Any thread: data is the newest state (copied). now: pv_uptime_ms(). */
void tpm_save_post(struct tpm_save *s, const uint8_t *data, uint32_t len,
		   uint64_t now);
/* Any thread: what is pending is due now (a TPM power-off). */
void tpm_save_urge(struct tpm_save *s);

/* Writer: ms until the pending state is due, 0 if due now, -1 if none. */
long tpm_save_due_in(struct tpm_save *s, uint64_t now);
/* Writer: the state the VMGS holds now (copied; the load's). A due state
 * equal to it is not written again. 0, or -1 out of memory (then every
 * due state is written). */
int tpm_save_set_saved(struct tpm_save *s, const uint8_t *data, uint32_t len);
/*
 * Writer: takes the pending state if it is due (or any pending one when
 * force) and differs from what the VMGS holds: 1 and *data (heap, the
 * caller gives it back with tpm_save_done) and *len, or 0 if nothing is
 * taken.
 */
int tpm_save_take(struct tpm_save *s, uint64_t now, bool force, uint8_t **data,
		  uint32_t *len);
/* Writer: the taken state was written (ok: it is what the VMGS holds now)
 * or not (pending again for the next window unless a newer one was posted
 * meanwhile). Takes data back. */
void tpm_save_done(struct tpm_save *s, uint8_t *data, uint32_t len, bool ok,
		   uint64_t now);
/* Nothing pending. */
bool tpm_save_idle(struct tpm_save *s);
void tpm_save_counters(struct tpm_save *s, struct tpm_save_counters *out);

#endif
