// SPDX-License-Identifier: MIT
/* The command rule every vTPM interface applies (tpm_iface.h). */
#include "tpm_iface.h"

#include "mantle_bytes.h"

/* A response of just a header with rc. */
static size_t error_response(uint8_t *rsp, uint32_t rc)
{
	put_be16(rsp, TPM_ST_NO_SESSIONS);
	put_be32(rsp + TPM_HDR_SIZE_OFF, TPM_HDR_LEN);
	put_be32(rsp + TPM_HDR_CODE_OFF, rc);
	return TPM_HDR_LEN;
}

size_t tpm_iface_run(tpm_exec_fn exec, void *ctx, unsigned int loc,
		     const uint8_t *cmd, size_t len, size_t max, uint8_t *rsp,
		     int *malformed)
{
	size_t rlen;

	if (malformed)
		*malformed = 1;
	if (len < TPM_HDR_LEN || len > max ||
	    get_be32(cmd + TPM_HDR_SIZE_OFF) != len)
		return error_response(rsp, TPM_RC_COMMAND_SIZE);
	if (malformed)
		*malformed = 0;
	rlen = exec(ctx, loc, cmd, len, rsp, max);
	if (rlen < TPM_HDR_LEN || rlen > max)
		return error_response(rsp, TPM_RC_FAILURE);
	return rlen;
}
