/* SPDX-License-Identifier: MIT */
/*
 * The host control channel of mantle-paravisor (hostif SPEC.md): the
 * virtio-serial port `mantle.control`, the session on it, the VMGS opened
 * through it at start-up, and a thread that handles host events and logs
 * the channel's counters while the guest runs.
 */
#ifndef MANTLE_VMM_CONTROL_H
#define MANTLE_VMM_CONTROL_H

#include <stddef.h>
#include <stdint.h>

/* PV_EXIT_VMGS and PV_EXIT_HOSTIF: the host boundary refused to start. */
#include "mantle_pv_status.h"

/* Seconds between two counter lines while the guest runs (if they moved). */
#define CONTROL_COUNTERS_PERIOD_S 10

struct control;

struct control_event_src {
	uint32_t device;
	uint16_t vector;
};

/* Who gets the host events that pass the source and rate checks. */
struct control_events {
	void (*cb)(void *arg, uint32_t device, uint16_t vector);
	void *arg;
	const struct control_event_src *allow; /* the sources the pv owns */
	unsigned nallow;
};

/*
 * Opens the port at path and negotiates the session (HELLO). ev may be
 * NULL: then every host event is counted as bogus and dropped. On failure
 * returns NULL with a one-line reason in err.
 */
struct control *control_open(const char *path, const struct control_events *ev,
			     char *err, size_t errlen);

struct vmgs_key_cfg;

/*
 * The VMGS at start-up (control_vmgs.c, paravisor/vmgs/vmgs_key.h): if the
 * host serves one, opened with a key the secure processor of key derives,
 * provisioned encrypted if it is empty, refused untouched otherwise. Logs
 * what it did. Returns 0 or the exit status of the refusal
 * (pv_vmgs_exit_status).
 */
int control_vmgs_start(struct control *c, const struct vmgs_key_cfg *key);

struct tpm_nv;

/*
 * The vTPM's state (control_tpm.h), on main()'s thread after
 * control_vmgs_start() and before control_start(): file 3 of the VMGS
 * read into nv (nothing there: a fresh TPM), and nv's store hooks handed
 * to the control thread, which writes each new state after the batching
 * window (tpm_save.h) and what is pending when it stops; check is the
 * engine's own test of a state (tpm_lib_check). Without a VMGS it
 * logs that the state stays in memory and returns 0. Returns 0 or the exit
 * status of the refusal (PV_EXIT_TPM_STATE: the file is there and
 * unusable, left untouched).
 */
int control_tpm_start(struct control *c, struct tpm_nv *nv,
		      int (*check)(struct tpm_nv *nv));

/*
 * The host's pipes (pipe_backend.h, over hostif 1.1 pipe messages; listed
 * by control_open), or NULL when the host offers none. Valid until
 * control_close(); the pipe device class must be done with it (every pipe
 * closed, no call in progress) before control_close().
 */
struct pipe_backend *control_pipes(struct control *c);

/*
 * --snp-secrets: the secure processor over the channel (control_sp.h):
 * VMPCK0 from the secrets page at path, the certificate table, a
 * self-test. Logs what works; a failure leaves the paravisor without
 * secure-processor services (the key retired), never stops the boot.
 * Call after control_open(), before control_vmgs_start().
 */
void control_sp_start(struct control *c, const char *path);

/*
 * The SNP guest-request client (snp_guest.h, VMPCK0) for MSG_KEY_REQ and
 * MSG_REPORT_REQ, e.g. snp_guest_derive_key() for the VMGS key protector:
 * usable from main()'s thread between control_sp_start() and
 * control_start() (control_vmgs_start() runs there). NULL without a
 * working secure processor, once its key was retired, or after
 * control_start().
 */
struct snp_guest *control_snp(struct control *c);

/* REPORTED_TCB of the self-test's report: 0 and *tcb while control_snp()
 * is not NULL, else -1. */
int control_snp_tcb(struct control *c, uint64_t *tcb);

/* Starts the thread that serves the channel while the guest runs. */
int control_start(struct control *c);

/*
 * Stops the thread (the pending vTPM state is written to the VMGS first,
 * TPM_FLUSH_TRIES writes at most; bytes the guest wrote into pipes go to
 * the host, then every open pipe is closed), logs the final counters,
 * closes everything.
 */
void control_close(struct control *c);

#endif
