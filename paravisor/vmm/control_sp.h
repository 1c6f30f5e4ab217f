/* SPDX-License-Identifier: MIT */
/*
 * The paravisor's secure processor over the control channel (hostif 1.2
 * SP_MSG / SP_CERTS, SPEC.md §13): VMPCK0 from the SNP secrets page, the
 * guest-request client (paravisor/snp/snp_guest.h) with the channel as its
 * transport, the certificate table the host relays, and a start-up
 * self-test. Apart from control.c so that unit tests drive it against a
 * real hostif server.
 *
 * On `nested` the secrets page arrives through the untrusted host (fw_cfg,
 * `mantle run`), so the host could know VMPCK0 and everything derived from
 * it; on SNP hardware the PSP places it in encrypted memory.
 *
 * The hostif client is single-threaded: the transport works from main()
 * until control_start() hands the channel to the control thread, and is
 * refused (SNP_GUEST_E_TRANSPORT, which retires the key) after that.
 */
#ifndef MANTLE_VMM_CONTROL_SP_H
#define MANTLE_VMM_CONTROL_SP_H

#include <stddef.h>
#include <stdint.h>

#include "hostif_client.h"
#include "snp_guest.h"

struct control_sp {
	struct snp_guest g;
	int ready; /* VMPCK0 passed the self-test */
	int closed; /* the channel belongs to the control thread now */
	struct hostif_client *c;
	uint8_t certs[HOSTIF_SP_CERTS_MAX];
	size_t certs_len; /* 0: the host sent no table */
	size_t vcek_len; /* the VCEK entry's length in it, 0 if none */
	uint64_t reported_tcb; /* REPORTED_TCB of the self-test's report */
};

/*
 * Reads exactly SNP_SECRETS_SIZE bytes from path (anything else is a clear
 * error), takes VMPCK0, fetches the certificate table once, and asks for
 * two reports as a self-test (the second proves the sequence numbers stay
 * in step). Logs one line saying what works. Returns 0 when VMPCK0 is
 * ready, -1 when the paravisor goes on without secure-processor services
 * (the reason logged, the key retired and wiped).
 */
int control_sp_open(struct control_sp *s, struct hostif_client *c,
		    const char *path);

/* The guest-request client while it is usable, else NULL. */
struct snp_guest *control_sp_guest(struct control_sp *s);

#endif
