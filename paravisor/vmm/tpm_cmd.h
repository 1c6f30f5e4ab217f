/* SPDX-License-Identifier: MIT */
/*
 * The few TPM 2.0 commands the paravisor itself sends to the vTPM before the
 * guest runs (vtpm.c): one function per command, marshalled and parsed with
 * tpm2-tss's libtss2-mu (TPM 2.0 Part 3 for the command layouts). Each
 * returns the TPM's response code (TPM2_RC_SUCCESS is 0) or one of the
 * TPM_CMD_ERR_* codes below when no well-formed response came back. The
 * response parsers (tpm_rsp_*) are bounded by the response length and
 * fuzzed (tests/fuzz/paravisor/fuzz_tpm_cmd.c): the TPM is libtpms in this
 * process, but its answers are still parsed as untrusted bytes.
 *
 * Authorization: the password session TPM2_RS_PW with an empty password,
 * the only one the paravisor holds: platform auth is empty after every
 * TPM2_Startup(CLEAR); owner and endorsement auth are empty unless the
 * guest set them (vtpm_keys.c checks TPM_PT_PERMANENT before using them).
 */
#ifndef MANTLE_VMM_TPM_CMD_H
#define MANTLE_VMM_TPM_CMD_H

#include <stddef.h>
#include <stdint.h>

#include <tss2/tss2_tpm2_types.h>

#include "tpm_iface.h"

/* The engine a command runs on: tpm_lib_exec() in the paravisor, through
 * the same callback the guest's interfaces use (tpm_iface.h). */
struct tpm_io {
	tpm_exec_fn exec;
	void *ctx;
};

/* This module's own errors: outside the TPM_RC space (TSS2 layer 0xFF). */
#define TPM_CMD_ERR_BASE 0x00FF0000u
enum tpm_cmd_err {
	TPM_CMD_ERR_MARSHAL = TPM_CMD_ERR_BASE + 1, /* command does not fit */
	TPM_CMD_ERR_EXEC = TPM_CMD_ERR_BASE + 2, /* the engine gave nothing */
	TPM_CMD_ERR_RESPONSE = TPM_CMD_ERR_BASE + 3, /* malformed response */
	TPM_CMD_ERR_REFUSED = TPM_CMD_ERR_BASE + 4, /* PCR_Allocate said no */
};
/* A name for rc: this module's errors, else "TPM_RC". */
const char *tpm_cmd_strerror(uint32_t rc);

/* Largest command or response the paravisor exchanges. */
#define TPM_CMD_BUF 4096u
/* Persistent handle of the AK (OpenHCL's, FACTS §4.3). */
#define TPM_AK_HANDLE 0x81000003u
/* TPM_RC_HANDLE for the first handle: no object at a persistent handle. */
#define TPM_RC_HANDLE_1 (TPM2_RC_HANDLE | TPM2_RC_1)

/* A public area as the TPM returned it: parsed, and the marshalled
 * TPM2B_PUBLIC bytes (size field included) for byte comparison and hashing
 * (what `tpm2_readpublic -o` writes). */
struct tpm_pub {
	TPM2B_PUBLIC pub;
	uint8_t raw[sizeof(TPM2B_PUBLIC)];
	size_t raw_len;
};

/* TPM2_PCR_Extend(pcr, digests), platform auth. */
uint32_t tpm_cmd_pcr_extend(const struct tpm_io *io, uint32_t pcr,
			    const TPML_DIGEST_VALUES *digests);
/* TPM2_GetCapability(TPM_CAP_PCRS): the allocated banks. */
uint32_t tpm_cmd_pcr_banks(const struct tpm_io *io, TPML_PCR_SELECTION *out);
/* TPM2_PCR_Allocate(PLATFORM, sel): takes effect at the next _TPM_Init. */
uint32_t tpm_cmd_pcr_allocate(const struct tpm_io *io,
			      const TPML_PCR_SELECTION *sel);
/* TPM2_GetCapability(TPM_CAP_TPM_PROPERTIES, TPM_PT_PERMANENT). */
uint32_t tpm_cmd_permanent(const struct tpm_io *io, uint32_t *attrs);
/* TPM2_CreatePrimary(hierarchy, empty sensitive, tmpl): the transient
 * handle and the public area. */
uint32_t tpm_cmd_create_primary(const struct tpm_io *io, uint32_t hierarchy,
				const TPM2B_PUBLIC *tmpl, uint32_t *handle,
				struct tpm_pub *out);
/* TPM2_ReadPublic(handle). */
uint32_t tpm_cmd_read_public(const struct tpm_io *io, uint32_t handle,
			     struct tpm_pub *out);
/* TPM2_EvictControl(auth, object, persistent): persists a transient
 * object, or evicts the persistent one (object == persistent). */
uint32_t tpm_cmd_evict_control(const struct tpm_io *io, uint32_t auth,
			       uint32_t object, uint32_t persistent);
/* TPM2_FlushContext(handle). */
uint32_t tpm_cmd_flush_context(const struct tpm_io *io, uint32_t handle);
/* TPM2_HierarchyControl(auth, enable, state). */
uint32_t tpm_cmd_hierarchy_control(const struct tpm_io *io, uint32_t auth,
				   uint32_t enable, int state);

/*
 * Response parsers (rsp, n bytes, as the engine returned them): the
 * response code, and on success the outputs. A response whose header
 * size is not n, or whose fields run past n, is TPM_CMD_ERR_RESPONSE.
 */
uint32_t tpm_rsp_plain(const uint8_t *rsp, size_t n);
uint32_t tpm_rsp_create_primary(const uint8_t *rsp, size_t n, uint32_t *handle,
				struct tpm_pub *out);
uint32_t tpm_rsp_read_public(const uint8_t *rsp, size_t n, struct tpm_pub *out);
uint32_t tpm_rsp_pcr_banks(const uint8_t *rsp, size_t n,
			   TPML_PCR_SELECTION *out);
uint32_t tpm_rsp_permanent(const uint8_t *rsp, size_t n, uint32_t *attrs);
uint32_t tpm_rsp_pcr_allocate(const uint8_t *rsp, size_t n);

#endif
