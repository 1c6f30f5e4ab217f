/* SPDX-License-Identifier: MIT */
/*
 * What every guest interface of the vTPM (tpm_crb.h, tpm_tis.h) shares:
 * the TPM behind it, as one callback, and the one rule for a command the
 * guest handed over.
 *
 * A command is the bytes the interface holds when the guest starts it
 * (CRB: CTRL_START; TIS: tpmGo). It reaches the TPM only when it is
 * whole: at least a header (TPM_HDR_LEN), its header's commandSize equal
 * to the length the interface determined, and no longer than the
 * interface's buffer. Anything else is answered by the interface itself
 * with a header-only response TPM_RC_COMMAND_SIZE, as the TPM 2.0 library
 * answers a commandSize inconsistent with the bytes received; a TPM that
 * returns nothing usable is answered with TPM_RC_FAILURE. The guest
 * always gets a response of at least TPM_HDR_LEN bytes.
 */
#ifndef MANTLE_VMM_TPM_IFACE_H
#define MANTLE_VMM_TPM_IFACE_H

#include <stddef.h>
#include <stdint.h>

/* TPM 2.0 command/response header: tag (be16), size (be32), code (be32). */
#define TPM_HDR_LEN 10u
#define TPM_HDR_SIZE_OFF 2u
#define TPM_HDR_CODE_OFF 6u
#define TPM_ST_NO_SESSIONS 0x8001u
#define TPM_RC_FAILURE 0x101u
#define TPM_RC_COMMAND_SIZE 0x142u

/*
 * Runs one command (cmd, cmd_len bytes) at locality loc; writes the
 * response into rsp (cap bytes) and returns its length, or 0 when the TPM
 * gave nothing usable. tpm_lib_exec (tpm_lib.h) is the vTPM's.
 */
typedef size_t (*tpm_exec_fn)(void *ctx, unsigned int loc, const uint8_t *cmd,
			      size_t cmd_len, uint8_t *rsp, size_t cap);

/*
 * The rule above: cmd holds len bytes (the interface's count; CRB passes
 * the header's own size), max is the interface's buffer size, rsp has
 * room for max bytes (max >= TPM_HDR_LEN). Returns the response length,
 * TPM_HDR_LEN..max; *malformed (may be NULL) is set to 1 when the interface
 * answered by itself (a malformed command), else 0.
 */
size_t tpm_iface_run(tpm_exec_fn exec, void *ctx, unsigned int loc,
		     const uint8_t *cmd, size_t len, size_t max, uint8_t *rsp,
		     int *malformed);

#endif
