// SPDX-License-Identifier: MIT
/*
 * The paravisor's own TPM commands (tpm_cmd.h), marshalled with libtss2-mu.
 * Layouts: TPM 2.0 Part 3; every command here is sent at locality 0.
 */
#include "tpm_cmd.h"

#include "mantle_bytes.h"

#include <string.h>

#include <tss2/tss2_mu.h>

#define TPM_HDR_LEN 10u /* tag, size, command or response code */
#define TPM_PW_AUTH_LEN 9u /* TPMS_AUTH_COMMAND, empty nonce and hmac */

static const char *const err_names[] = {
	[0] = "TPM_RC",
	[TPM_CMD_ERR_MARSHAL - TPM_CMD_ERR_BASE] = "command does not marshal",
	[TPM_CMD_ERR_EXEC - TPM_CMD_ERR_BASE] = "no response from the TPM",
	[TPM_CMD_ERR_RESPONSE - TPM_CMD_ERR_BASE] = "malformed TPM response",
	[TPM_CMD_ERR_REFUSED - TPM_CMD_ERR_BASE] = "TPM did not do it",
};

const char *tpm_cmd_strerror(uint32_t rc)
{
	uint32_t i = rc - TPM_CMD_ERR_BASE;

	if (rc < TPM_CMD_ERR_BASE ||
	    i >= sizeof(err_names) / sizeof(err_names[0]) || !err_names[i])
		return err_names[0];
	return err_names[i];
}

/* A command being built; any marshalling failure sticks in bad. */
struct cmd {
	uint8_t b[TPM_CMD_BUF];
	size_t off;
	int bad;
};

static void mu(struct cmd *c, TSS2_RC rc)
{
	if (rc != TSS2_RC_SUCCESS)
		c->bad = 1;
}

static void put16(struct cmd *c, uint16_t v)
{
	mu(c, Tss2_MU_UINT16_Marshal(v, c->b, sizeof(c->b), &c->off));
}

static void put32(struct cmd *c, uint32_t v)
{
	mu(c, Tss2_MU_UINT32_Marshal(v, c->b, sizeof(c->b), &c->off));
}

/* Header with the size patched in by cmd_run(). */
static void cmd_begin(struct cmd *c, uint16_t tag, uint32_t cc)
{
	c->off = 0;
	c->bad = 0;
	put16(c, tag);
	put32(c, 0);
	put32(c, cc);
}

/* The authorization area: one password session, empty password. */
static void put_pw_auth(struct cmd *c)
{
	TPMS_AUTH_COMMAND a = { .sessionHandle = TPM2_RS_PW };

	put32(c, TPM_PW_AUTH_LEN);
	mu(c,
	   Tss2_MU_TPMS_AUTH_COMMAND_Marshal(&a, c->b, sizeof(c->b), &c->off));
}

/* Sends c; the response into rsp (TPM_CMD_BUF bytes), its length in *n. */
static uint32_t cmd_run(const struct tpm_io *io, struct cmd *c, uint8_t *rsp,
			size_t *n)
{
	if (c->bad)
		return TPM_CMD_ERR_MARSHAL;
	put_be32(c->b + 2, (uint32_t)c->off);
	*n = io->exec(io->ctx, 0, c->b, c->off, rsp, TPM_CMD_BUF);
	return *n ? TPM2_RC_SUCCESS : TPM_CMD_ERR_EXEC;
}

/* A response opened: handles at handles, parameters [off, end). */
struct rsp {
	const uint8_t *p;
	size_t handles, off, end;
};

/* Header checks; on success the handle and parameter areas (a parameter
 * size when the response carries sessions). */
static uint32_t rsp_open(const uint8_t *p, size_t n, unsigned int handles,
			 struct rsp *r)
{
	UINT16 tag = 0;
	UINT32 size = 0, rc = 0, psize = 0;
	size_t off = 0;

	if (Tss2_MU_UINT16_Unmarshal(p, n, &off, &tag) ||
	    Tss2_MU_UINT32_Unmarshal(p, n, &off, &size) ||
	    Tss2_MU_UINT32_Unmarshal(p, n, &off, &rc) || size != n ||
	    (tag != TPM2_ST_NO_SESSIONS && tag != TPM2_ST_SESSIONS))
		return TPM_CMD_ERR_RESPONSE;
	if (rc != TPM2_RC_SUCCESS)
		return n == TPM_HDR_LEN && rc < TPM_CMD_ERR_BASE ?
			       rc :
			       TPM_CMD_ERR_RESPONSE;
	r->p = p;
	r->handles = off;
	if (n - off < 4u * handles)
		return TPM_CMD_ERR_RESPONSE;
	off += 4u * handles;
	r->end = n;
	if (tag == TPM2_ST_SESSIONS) {
		if (Tss2_MU_UINT32_Unmarshal(p, n, &off, &psize) ||
		    psize > n - off)
			return TPM_CMD_ERR_RESPONSE;
		r->end = off + psize;
	}
	r->off = off;
	return TPM2_RC_SUCCESS;
}

/* A TPM2B_PUBLIC at r->off, inside the parameters; raw keeps its bytes. */
static uint32_t rsp_public(struct rsp *r, struct tpm_pub *out)
{
	size_t start = r->off;

	memset(out, 0, sizeof(*out));
	if (Tss2_MU_TPM2B_PUBLIC_Unmarshal(r->p, r->end, &r->off, &out->pub) ||
	    r->off - start != 2u + out->pub.size ||
	    r->off - start > sizeof(out->raw))
		return TPM_CMD_ERR_RESPONSE;
	out->raw_len = r->off - start;
	memcpy(out->raw, r->p + start, out->raw_len);
	return TPM2_RC_SUCCESS;
}

uint32_t tpm_rsp_plain(const uint8_t *rsp, size_t n)
{
	struct rsp r;

	return rsp_open(rsp, n, 0, &r);
}

uint32_t tpm_rsp_create_primary(const uint8_t *rsp, size_t n, uint32_t *handle,
				struct tpm_pub *out)
{
	struct rsp r;
	uint32_t rc = rsp_open(rsp, n, 1, &r);

	if (rc)
		return rc;
	*handle = get_be32(rsp + r.handles);
	return rsp_public(&r, out);
}

uint32_t tpm_rsp_read_public(const uint8_t *rsp, size_t n, struct tpm_pub *out)
{
	struct rsp r;
	uint32_t rc = rsp_open(rsp, n, 0, &r);

	return rc ? rc : rsp_public(&r, out);
}

/* TPMI_YES_NO moreData, then TPMS_CAPABILITY_DATA of capability cap. */
static uint32_t rsp_capability(const uint8_t *rsp, size_t n, uint32_t cap,
			       TPMS_CAPABILITY_DATA *out)
{
	struct rsp r;
	BYTE more;
	uint32_t rc = rsp_open(rsp, n, 0, &r);

	if (rc)
		return rc;
	memset(out, 0, sizeof(*out));
	if (Tss2_MU_BYTE_Unmarshal(rsp, r.end, &r.off, &more) ||
	    Tss2_MU_TPMS_CAPABILITY_DATA_Unmarshal(rsp, r.end, &r.off, out) ||
	    out->capability != cap)
		return TPM_CMD_ERR_RESPONSE;
	return TPM2_RC_SUCCESS;
}

uint32_t tpm_rsp_pcr_banks(const uint8_t *rsp, size_t n,
			   TPML_PCR_SELECTION *out)
{
	TPMS_CAPABILITY_DATA d;
	uint32_t rc = rsp_capability(rsp, n, TPM2_CAP_PCRS, &d);

	if (rc)
		return rc;
	*out = d.data.assignedPCR;
	return TPM2_RC_SUCCESS;
}

uint32_t tpm_rsp_permanent(const uint8_t *rsp, size_t n, uint32_t *attrs)
{
	TPMS_CAPABILITY_DATA d;
	uint32_t rc = rsp_capability(rsp, n, TPM2_CAP_TPM_PROPERTIES, &d);
	const TPML_TAGGED_TPM_PROPERTY *l = &d.data.tpmProperties;

	if (rc)
		return rc;
	if (l->count < 1 || l->tpmProperty[0].property != TPM2_PT_PERMANENT)
		return TPM_CMD_ERR_RESPONSE;
	*attrs = l->tpmProperty[0].value;
	return TPM2_RC_SUCCESS;
}

uint32_t tpm_rsp_pcr_allocate(const uint8_t *rsp, size_t n)
{
	struct rsp r;
	BYTE ok = 0;
	uint32_t rc = rsp_open(rsp, n, 0, &r);

	if (rc)
		return rc;
	if (Tss2_MU_BYTE_Unmarshal(rsp, r.end, &r.off, &ok))
		return TPM_CMD_ERR_RESPONSE;
	return ok == TPM2_YES ? TPM2_RC_SUCCESS : TPM_CMD_ERR_REFUSED;
}

uint32_t tpm_cmd_pcr_extend(const struct tpm_io *io, uint32_t pcr,
			    const TPML_DIGEST_VALUES *digests)
{
	struct cmd c;
	uint8_t rsp[TPM_CMD_BUF];
	size_t n;
	uint32_t rc;

	cmd_begin(&c, TPM2_ST_SESSIONS, TPM2_CC_PCR_Extend);
	put32(&c, pcr);
	put_pw_auth(&c);
	mu(&c, Tss2_MU_TPML_DIGEST_VALUES_Marshal(digests, c.b, sizeof(c.b),
						  &c.off));
	rc = cmd_run(io, &c, rsp, &n);
	return rc ? rc : tpm_rsp_plain(rsp, n);
}

/* TPM2_GetCapability(cap, property, count 1). */
static uint32_t get_capability(const struct tpm_io *io, uint32_t cap,
			       uint32_t property, uint8_t *rsp, size_t *n)
{
	struct cmd c;

	cmd_begin(&c, TPM2_ST_NO_SESSIONS, TPM2_CC_GetCapability);
	put32(&c, cap);
	put32(&c, property);
	put32(&c, 1);
	return cmd_run(io, &c, rsp, n);
}

uint32_t tpm_cmd_pcr_banks(const struct tpm_io *io, TPML_PCR_SELECTION *out)
{
	uint8_t rsp[TPM_CMD_BUF];
	size_t n;
	uint32_t rc = get_capability(io, TPM2_CAP_PCRS, 0, rsp, &n);

	return rc ? rc : tpm_rsp_pcr_banks(rsp, n, out);
}

uint32_t tpm_cmd_permanent(const struct tpm_io *io, uint32_t *attrs)
{
	uint8_t rsp[TPM_CMD_BUF];
	size_t n;
	uint32_t rc = get_capability(io, TPM2_CAP_TPM_PROPERTIES,
				     TPM2_PT_PERMANENT, rsp, &n);

	return rc ? rc : tpm_rsp_permanent(rsp, n, attrs);
}

uint32_t tpm_cmd_pcr_allocate(const struct tpm_io *io,
			      const TPML_PCR_SELECTION *sel)
{
	struct cmd c;
	uint8_t rsp[TPM_CMD_BUF];
	size_t n;
	uint32_t rc;

	cmd_begin(&c, TPM2_ST_SESSIONS, TPM2_CC_PCR_Allocate);
	put32(&c, TPM2_RH_PLATFORM);
	put_pw_auth(&c);
	mu(&c,
	   Tss2_MU_TPML_PCR_SELECTION_Marshal(sel, c.b, sizeof(c.b), &c.off));
	rc = cmd_run(io, &c, rsp, &n);
	return rc ? rc : tpm_rsp_pcr_allocate(rsp, n);
}

uint32_t tpm_cmd_create_primary(const struct tpm_io *io, uint32_t hierarchy,
				const TPM2B_PUBLIC *tmpl, uint32_t *handle,
				struct tpm_pub *out)
{
	const TPM2B_SENSITIVE_CREATE sens = { 0 };
	const TPM2B_DATA outside = { 0 };
	const TPML_PCR_SELECTION pcrs = { 0 };
	struct cmd c;
	uint8_t rsp[TPM_CMD_BUF];
	size_t n;
	uint32_t rc;

	cmd_begin(&c, TPM2_ST_SESSIONS, TPM2_CC_CreatePrimary);
	put32(&c, hierarchy);
	put_pw_auth(&c);
	/* TPM2B_SENSITIVE_CREATE: size 4, empty userAuth and data. */
	put16(&c, 4);
	mu(&c, Tss2_MU_TPMS_SENSITIVE_CREATE_Marshal(&sens.sensitive, c.b,
						     sizeof(c.b), &c.off));
	mu(&c, Tss2_MU_TPM2B_PUBLIC_Marshal(tmpl, c.b, sizeof(c.b), &c.off));
	mu(&c, Tss2_MU_TPM2B_DATA_Marshal(&outside, c.b, sizeof(c.b), &c.off));
	mu(&c,
	   Tss2_MU_TPML_PCR_SELECTION_Marshal(&pcrs, c.b, sizeof(c.b), &c.off));
	rc = cmd_run(io, &c, rsp, &n);
	return rc ? rc : tpm_rsp_create_primary(rsp, n, handle, out);
}

uint32_t tpm_cmd_read_public(const struct tpm_io *io, uint32_t handle,
			     struct tpm_pub *out)
{
	struct cmd c;
	uint8_t rsp[TPM_CMD_BUF];
	size_t n;
	uint32_t rc;

	cmd_begin(&c, TPM2_ST_NO_SESSIONS, TPM2_CC_ReadPublic);
	put32(&c, handle);
	rc = cmd_run(io, &c, rsp, &n);
	return rc ? rc : tpm_rsp_read_public(rsp, n, out);
}

uint32_t tpm_cmd_evict_control(const struct tpm_io *io, uint32_t auth,
			       uint32_t object, uint32_t persistent)
{
	struct cmd c;
	uint8_t rsp[TPM_CMD_BUF];
	size_t n;
	uint32_t rc;

	cmd_begin(&c, TPM2_ST_SESSIONS, TPM2_CC_EvictControl);
	put32(&c, auth);
	put32(&c, object);
	put_pw_auth(&c);
	put32(&c, persistent);
	rc = cmd_run(io, &c, rsp, &n);
	return rc ? rc : tpm_rsp_plain(rsp, n);
}

uint32_t tpm_cmd_flush_context(const struct tpm_io *io, uint32_t handle)
{
	struct cmd c;
	uint8_t rsp[TPM_CMD_BUF];
	size_t n;
	uint32_t rc;

	cmd_begin(&c, TPM2_ST_NO_SESSIONS, TPM2_CC_FlushContext);
	put32(&c, handle);
	rc = cmd_run(io, &c, rsp, &n);
	return rc ? rc : tpm_rsp_plain(rsp, n);
}

uint32_t tpm_cmd_hierarchy_control(const struct tpm_io *io, uint32_t auth,
				   uint32_t enable, int state)
{
	struct cmd c;
	uint8_t rsp[TPM_CMD_BUF];
	size_t n;
	uint32_t rc;

	cmd_begin(&c, TPM2_ST_SESSIONS, TPM2_CC_HierarchyControl);
	put32(&c, auth);
	put_pw_auth(&c);
	put32(&c, enable);
	mu(&c, Tss2_MU_BYTE_Marshal(state ? TPM2_YES : TPM2_NO, c.b,
				    sizeof(c.b), &c.off));
	rc = cmd_run(io, &c, rsp, &n);
	return rc ? rc : tpm_rsp_plain(rsp, n);
}
