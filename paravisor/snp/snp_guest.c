// SPDX-License-Identifier: MIT
/* The paravisor's SNP guest-request client (snp_guest.h). */
#include "snp_guest.h"

#include <string.h>

#include <openssl/crypto.h>

#include "mantle_bytes.h"
#include "snp_msg.h"

static const char *const errs[SNP_GUEST_E_COUNT] = {
	[SNP_GUEST_OK] = "no error",
	[SNP_GUEST_E_RETIRED] = "VMPCK retired by an earlier error",
	[SNP_GUEST_E_NO_KEY] = "the secrets page holds no such VMPCK",
	[SNP_GUEST_E_SEQNO_EXHAUSTED] = "message sequence numbers exhausted",
	[SNP_GUEST_E_TRANSPORT] = "no response from the secure processor "
				  "(withheld, refused or channel down)",
	[SNP_GUEST_E_RESPONSE] = "response malformed, forged, replayed or "
				 "reordered",
	[SNP_GUEST_E_FIRMWARE] = "the secure processor answered with an "
				 "error status",
	[SNP_GUEST_E_INVALID] = "invalid request",
};

const char *snp_guest_strerror(enum snp_guest_err e)
{
	return (unsigned)e < SNP_GUEST_E_COUNT ? errs[e] : "unknown error";
}

static int all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	while (n--)
		acc |= *p++;
	return acc == 0;
}

void snp_guest_retire(struct snp_guest *g)
{
	OPENSSL_cleanse(g->vmpck, sizeof(g->vmpck));
	g->retired = 1;
}

enum snp_guest_err snp_guest_init(struct snp_guest *g,
				  const uint8_t secrets[SNP_SECRETS_SIZE],
				  unsigned int vmpck_id,
				  const struct snp_guest_transport *t)
{
	memset(g, 0, sizeof(*g));
	g->retired = 1; /* until a key is in place */
	if (vmpck_id >= SNP_VMPCK_COUNT || !t || !t->exchange)
		return SNP_GUEST_E_INVALID;
	if (all_zero(secrets + SNP_SECRETS_VMPCK_OFF(vmpck_id), SNP_VMPCK_LEN))
		return SNP_GUEST_E_NO_KEY;
	memcpy(g->vmpck, secrets + SNP_SECRETS_VMPCK_OFF(vmpck_id),
	       SNP_VMPCK_LEN);
	g->seqno = get_le32(secrets + SNP_SECRETS_SEQNO_OFF(vmpck_id));
	g->vmpck_id = vmpck_id;
	g->t = *t;
	g->retired = 0;
	return SNP_GUEST_OK;
}

/* An error after the request went out: the key is gone for the boot. */
static enum snp_guest_err fail(struct snp_guest *g, enum snp_guest_err e)
{
	snp_guest_retire(g);
	return e;
}

/* Does the opened response answer request (seqno, type)? */
static int answers(const struct snp_msg_meta *rsp, uint64_t seqno, uint8_t type,
		   unsigned int vmpck)
{
	return rsp->seqno == seqno + 1 && rsp->type == type + 1 &&
	       rsp->version == SNP_MSG_VERSION && rsp->vmpck == vmpck;
}

/*
 * One request: seal under the next sequence number, exchange, open and
 * match the response. On SNP_GUEST_OK, rsp[0..*rsp_len) is the authentic
 * plaintext answer; on any error after the exchange the key is retired.
 */
static enum snp_guest_err request(struct snp_guest *g, uint8_t type,
				  const void *req, uint16_t req_len,
				  uint8_t *rsp, size_t rsp_cap, size_t *rsp_len)
{
	uint8_t tx[SNP_MSG_PAGE_SIZE], rx[SNP_MSG_PAGE_SIZE];
	struct snp_msg_meta got, m = { .type = type,
				       .version = SNP_MSG_VERSION,
				       .vmpck = (uint8_t)g->vmpck_id,
				       .size = req_len };
	size_t n = 0;
	int r;

	if (g->retired)
		return SNP_GUEST_E_RETIRED;
	/* Request stored + 1, response stored + 2: both must fit. */
	if ((uint64_t)g->seqno + 2 > SNP_SEQNO_MAX)
		return SNP_GUEST_E_SEQNO_EXHAUSTED;
	m.seqno = (uint64_t)g->seqno + 1;
	if (snp_msg_seal(g->vmpck, &m, req, tx, sizeof(tx)) != SNP_MSG_OK)
		return SNP_GUEST_E_INVALID; /* nothing sent */
	r = g->t.exchange(g->t.arg, tx, SNP_MSG_HDR_SIZE + req_len, rx,
			  sizeof(rx), &n);
	/* The firmware may have consumed both numbers: never reuse them. */
	g->seqno += 2;
	if (r != 0 || n == 0 || n > sizeof(rx))
		return fail(g, SNP_GUEST_E_TRANSPORT);
	if (snp_msg_open(g->vmpck, rx, n, &got, rsp, rsp_cap) != SNP_MSG_OK ||
	    !answers(&got, m.seqno, type, g->vmpck_id))
		return fail(g, SNP_GUEST_E_RESPONSE);
	*rsp_len = got.size;
	return SNP_GUEST_OK;
}

/* The status word of an authentic response (see the header's rule). */
static enum snp_guest_err fw_status(struct snp_guest *g, const uint8_t *rsp)
{
	g->fw_status = get_le32(rsp);
	return g->fw_status ? SNP_GUEST_E_FIRMWARE : SNP_GUEST_OK;
}

enum snp_guest_err
snp_guest_report(struct snp_guest *g,
		 const uint8_t user_data[SNP_REPORT_DATA_LEN], uint32_t vmpl,
		 uint8_t report[SNP_REPORT_SIZE])
{
	uint8_t req[SNP_REPORT_REQ_SIZE] = { 0 };
	uint8_t rsp[SNP_REPORT_RSP_SIZE];
	size_t n = 0;
	enum snp_guest_err e;

	if (vmpl >= SNP_VMPCK_COUNT)
		return SNP_GUEST_E_INVALID;
	memcpy(req, user_data, SNP_REPORT_DATA_LEN);
	put_le32(req + offsetof(struct snp_report_req, vmpl), vmpl);
	e = request(g, SNP_MSG_REPORT_REQ, req, sizeof(req), rsp, sizeof(rsp),
		    &n);
	if (e)
		return e;
	if (n < SNP_REPORT_RSP_HDR)
		return fail(g, SNP_GUEST_E_RESPONSE);
	e = fw_status(g, rsp);
	if (e)
		return e;
	if (n != SNP_REPORT_RSP_SIZE ||
	    get_le32(rsp + SNP_REPORT_RSP_SIZE_OFF) != SNP_REPORT_SIZE)
		return fail(g, SNP_GUEST_E_RESPONSE);
	memcpy(report, rsp + SNP_REPORT_RSP_HDR, SNP_REPORT_SIZE);
	OPENSSL_cleanse(rsp, sizeof(rsp));
	return SNP_GUEST_OK;
}

static int key_req_valid(const struct snp_derived_key_req *r)
{
	return r->root_key_select <= SNP_ROOT_KEY_VMRK && r->rsvd == 0 &&
	       (r->guest_field_select & ~SNP_FIELD_ALL) == 0 &&
	       r->vmpl < SNP_VMPCK_COUNT;
}

static void key_req_put(uint8_t out[SNP_KEY_REQ_SIZE],
			const struct snp_derived_key_req *r)
{
	put_le32(out + SNP_KEY_OFF(root_key_select), r->root_key_select);
	put_le32(out + SNP_KEY_OFF(rsvd), 0);
	put_le64(out + SNP_KEY_OFF(guest_field_select), r->guest_field_select);
	put_le32(out + SNP_KEY_OFF(vmpl), r->vmpl);
	put_le32(out + SNP_KEY_OFF(guest_svn), r->guest_svn);
	put_le64(out + SNP_KEY_OFF(tcb_version), r->tcb_version);
}

enum snp_guest_err snp_guest_derive_key(struct snp_guest *g,
					const struct snp_derived_key_req *r,
					uint8_t key[SNP_DERIVED_KEY_LEN])
{
	uint8_t req[SNP_KEY_REQ_SIZE];
	uint8_t rsp[SNP_KEY_RSP_SIZE];
	size_t n = 0;
	enum snp_guest_err e;

	if (!key_req_valid(r))
		return SNP_GUEST_E_INVALID;
	key_req_put(req, r);
	e = request(g, SNP_MSG_KEY_REQ, req, sizeof(req), rsp, sizeof(rsp), &n);
	if (e)
		return e;
	if (n < 4)
		e = fail(g, SNP_GUEST_E_RESPONSE);
	else if (fw_status(g, rsp))
		e = SNP_GUEST_E_FIRMWARE;
	else if (n != SNP_KEY_RSP_SIZE)
		e = fail(g, SNP_GUEST_E_RESPONSE);
	else
		memcpy(key, rsp + SNP_KEY_RSP_KEY_OFF, SNP_DERIVED_KEY_LEN);
	OPENSSL_cleanse(rsp, sizeof(rsp));
	return e;
}
