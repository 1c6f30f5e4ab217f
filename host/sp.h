/* SPDX-License-Identifier: MIT */
/*
 * The simulated secure processor of the nested platform, seen from
 * `mantle`: the mantle-sp process (sp-simulator/, found beside the mantle
 * binary), its LAUNCH, and the relay of the paravisor's guest messages
 * (hostif SP_MSG / SP_CERTS) to it over the IPC of mantle_sp_ipc.h.
 *
 * On `nested` the secrets page mantle-sp makes at LAUNCH (the VMPCKs)
 * passes through this untrusted host on its way into the paravisor VM
 * (QEMU at L0 can read all of that VM's memory anyway), so nothing derived
 * from it is secret from the host. On SNP hardware the PSP puts the page
 * into encrypted guest memory and the host never sees it. What the relay
 * itself sees is only ciphertext and public certificates.
 */
#ifndef MANTLE_HOST_SP_H
#define MANTLE_HOST_SP_H

#include <stddef.h>
#include <stdint.h>

#include "mantle_sp_ipc.h"

#define SP_BIN "mantle-sp"

struct sp_proc;

/* $XDG_DATA_HOME/mantle/sp, else $HOME/.local/share/mantle/sp. 0 or -1. */
int sp_default_state(char *out, size_t size);
/* Creates the missing parent directories of state (mode 0700); the state
 * directory itself is mantle-sp's to create. 0 or -1. */
int sp_mkdir_parents(const char *state);
/* "secure processor: LAUNCH measurement=<hex> (what)" into the log. */
void sp_log_measurement(int logfd, const char *what,
			const uint8_t m[SNP_MEASUREMENT_LEN]);
/* mantle-sp beside the mantle binary. 0, or -1 if it does not exist. */
int sp_find(char *out, size_t size);

/*
 * Starts `mantle-sp --state DIR --ipc-fd 3` with one end of a
 * SOCK_SEQPACKET socketpair as fd 3; it dies with mantle (PR_SET_PDEATHSIG).
 * Its own output goes to logfd. 0, or -1 with a message.
 */
int sp_start(struct sp_proc **out, const char *bin, const char *state,
	     int logfd);

struct sp_launch_req {
	const char *kernel, *initrd, *cmdline;
	const uint8_t *config; /* SP_LAUNCH_CONFIG_LEN bytes */
	uint64_t policy;
};

/* LAUNCH: the simulator measures the image and makes the secrets page.
 * 0, or -1 with a message. */
int sp_launch(struct sp_proc *p, const struct sp_launch_req *r,
	      uint8_t measurement[SNP_MEASUREMENT_LEN],
	      uint8_t secrets[SNP_SECRETS_SIZE]);

/*
 * The relay, as hostif_server_cfg's sp_msg and sp_certs (arg: the
 * sp_proc): a HOSTIF_S_* status. A simulator that died, hung or answered
 * out of protocol is stopped and every later call gets SP_DOWN; its
 * refusal of a guest message is SP_REFUSED. The first failure is printed
 * on stderr at once; sp_stop() logs the counts.
 */
int sp_relay_msg(void *arg, const uint8_t *req, size_t len, uint8_t *out,
		 size_t cap, size_t *out_len);
int sp_relay_certs(void *arg, uint8_t *out, size_t cap, size_t *out_len);

/* Stops the simulator (SIGTERM, then SIGKILL), logs what the relay did to
 * logfd. Accepts NULL. */
void sp_stop(struct sp_proc *p, int logfd);

/* `mantle sim-ca`: runs `mantle-sp --state DIR --export-ca FILE`; its
 * exit status, or -1 if it could not run. */
int sp_export_ca(const char *bin, const char *state, const char *file);

#endif
