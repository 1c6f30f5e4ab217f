// SPDX-License-Identifier: MIT
/*
 * GUEST_MSG (SPEC.md §2.2): the firmware side of an SNP guest request.
 * The VMPCK the header names is the key and says who asks: VMPCKn belongs
 * to VMPL n, the lowest VMPL a report or derived key may name. Sequence
 * numbers as the PSP keeps them: a request must carry the firmware's last
 * + 1 for that key, the response carries request + 1, and the count
 * advances by two. A request that does not authenticate, replays, skips,
 * or is of an unknown type gets no response (SP_ST_GUEST_MSG) and consumes
 * nothing; a valid request that asks for something the firmware will not
 * do gets a sealed response with status SNP_STATUS_INVALID_PARAM.
 */
#include "sp.h"

#include <string.h>

#include <openssl/crypto.h>

#include "mantle_bytes.h"
#include "snp_msg.h"

static const char *const errs[SP_GUEST_E_COUNT] = {
	[SP_GUEST_OK] = "no error",
	[SP_GUEST_E_HEADER] = "message header malformed",
	[SP_GUEST_E_AUTH] = "does not authenticate under the VMPCK it names",
	[SP_GUEST_E_SEQNO] = "sequence number is not the firmware's last + 1",
	[SP_GUEST_E_TYPE] = "message type is not REPORT_REQ or KEY_REQ",
	[SP_GUEST_E_VERSION] = "message version is not 1",
	[SP_GUEST_E_SIZE] = "payload size does not match the message type",
	[SP_GUEST_E_INTERNAL] = "the simulator failed (OpenSSL)",
};

const char *sp_guest_strerror(enum sp_guest_err e)
{
	return (unsigned)e < SP_GUEST_E_COUNT ? errs[e] : "unknown error";
}

/* Each serves one request payload into rsp (the type's response size,
 * zeroed): 0, or -1 when the simulator failed. key_vmpl: the VMPCK's. */
typedef int (*sp_serve_fn)(struct sp_vm *vm, const struct sp_chip *c,
			   const uint8_t *req, uint32_t key_vmpl, uint8_t *rsp);

static int all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	while (n--)
		acc |= *p++;
	return !acc;
}

static int serve_report(struct sp_vm *vm, const struct sp_chip *c,
			const uint8_t *req, uint32_t key_vmpl, uint8_t *rsp)
{
	uint32_t vmpl = get_le32(req + offsetof(struct snp_report_req, vmpl));

	if (vmpl < key_vmpl || vmpl >= SNP_VMPCK_COUNT ||
	    !all_zero(req + offsetof(struct snp_report_req, rsvd), 28)) {
		put_le32(rsp + SNP_REPORT_RSP_STATUS_OFF,
			 SNP_STATUS_INVALID_PARAM);
		return 0;
	}
	put_le32(rsp + SNP_REPORT_RSP_SIZE_OFF, SNP_REPORT_SIZE);
	return sp_report_build(c, vm, req, vmpl, rsp + SNP_REPORT_RSP_HDR);
}

static int serve_key(struct sp_vm *vm, const struct sp_chip *c,
		     const uint8_t *req, uint32_t key_vmpl, uint8_t *rsp)
{
	struct snp_derived_key_req r = {
		.root_key_select = get_le32(req + SNP_KEY_OFF(root_key_select)),
		.rsvd = get_le32(req + SNP_KEY_OFF(rsvd)),
		.guest_field_select =
			get_le64(req + SNP_KEY_OFF(guest_field_select)),
		.vmpl = get_le32(req + SNP_KEY_OFF(vmpl)),
		.guest_svn = get_le32(req + SNP_KEY_OFF(guest_svn)),
		.tcb_version = get_le64(req + SNP_KEY_OFF(tcb_version)),
	};
	int st = sp_kdf_derive(c, vm, &r, key_vmpl, rsp + SNP_KEY_RSP_KEY_OFF);

	if (st < 0)
		return -1;
	put_le32(rsp + SNP_KEY_RSP_STATUS_OFF, (uint32_t)st);
	return 0;
}

static const struct {
	uint8_t type;
	uint16_t req_size, rsp_size;
	sp_serve_fn serve;
} served[] = {
	{ SNP_MSG_REPORT_REQ, SNP_REPORT_REQ_SIZE, SNP_REPORT_RSP_SIZE,
	  serve_report },
	{ SNP_MSG_KEY_REQ, SNP_KEY_REQ_SIZE, SNP_KEY_RSP_SIZE, serve_key },
};

/* The served type's index, or an error for type/version/size. */
static enum sp_guest_err find_type(const struct snp_msg_meta *m, size_t *idx)
{
	for (size_t i = 0; i < sizeof(served) / sizeof(served[0]); i++) {
		if (served[i].type != m->type)
			continue;
		if (m->version != SNP_MSG_VERSION)
			return SP_GUEST_E_VERSION;
		if (m->size != served[i].req_size)
			return SP_GUEST_E_SIZE;
		*idx = i;
		return SP_GUEST_OK;
	}
	return SP_GUEST_E_TYPE;
}

/* Authenticates msg under the VMPCK it names and checks its seqno. */
static enum sp_guest_err open_request(const struct sp_vm *vm,
				      const uint8_t *msg, size_t len,
				      struct snp_msg_meta *m, uint8_t *payload)
{
	uint64_t want;

	if (snp_msg_peek(msg, len, m))
		return SP_GUEST_E_HEADER;
	if (snp_msg_open(vm->vmpck[m->vmpck], msg, len, m, payload,
			 SNP_MSG_MAX_PAYLOAD))
		return SP_GUEST_E_AUTH;
	want = (uint64_t)vm->seqno[m->vmpck] + 1;
	/* The response takes seqno + 1, which must still fit. */
	if (m->seqno != want || m->seqno + 1 > SNP_SEQNO_MAX)
		return SP_GUEST_E_SEQNO;
	return SP_GUEST_OK;
}

enum sp_guest_err sp_guest_handle(struct sp_vm *vm, const struct sp_chip *c,
				  const uint8_t *msg, size_t len, uint8_t *out,
				  size_t *out_len)
{
	uint8_t req[SNP_MSG_MAX_PAYLOAD], rsp[SNP_MSG_MAX_PAYLOAD];
	struct snp_msg_meta m, rm;
	enum sp_guest_err e;
	size_t i = 0;

	*out_len = 0;
	e = open_request(vm, msg, len, &m, req);
	if (!e)
		e = find_type(&m, &i);
	if (e)
		goto out;
	memset(rsp, 0, served[i].rsp_size);
	rm = (struct snp_msg_meta){ .seqno = m.seqno + 1,
				    .type = (uint8_t)(m.type + 1),
				    .version = m.version,
				    .vmpck = m.vmpck,
				    .size = served[i].rsp_size };
	if (served[i].serve(vm, c, req, m.vmpck, rsp) ||
	    snp_msg_seal(vm->vmpck[m.vmpck], &rm, rsp, out,
			 SNP_MSG_PAGE_SIZE)) {
		e = SP_GUEST_E_INTERNAL;
		goto out;
	}
	vm->seqno[m.vmpck] = (uint32_t)rm.seqno;
	*out_len = SNP_MSG_HDR_SIZE + rm.size;
out:
	OPENSSL_cleanse(req, sizeof(req));
	OPENSSL_cleanse(rsp, sizeof(rsp));
	return e;
}
