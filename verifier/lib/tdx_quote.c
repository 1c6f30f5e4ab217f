// SPDX-License-Identifier: MIT
/*
 * TDX quote parsing by lengths, never by end of file: quotes often carry
 * trailing bytes (fixed-size buffers).
 */
#include "tdx_quote.h"
#include "mv_result.h"
#include "mantle_bytes.h"
#include "mv_util.h"

#include <stdio.h>
#include <string.h>

int tdx_quote_parse(const uint8_t *buf, size_t len, struct tdx_quote *q,
		    char *err, size_t errlen)
{
	size_t off, sd_len, cd_len, inner_len;
	uint16_t cd_type, inner_type;

	memset(q, 0, sizeof(*q));
	if (len < TDX_HEADER_SIZE + 6) {
		snprintf(err, errlen, "not a TDX quote (%zu bytes)", len);
		return MV_BADINPUT;
	}
	q->version = get_le16(buf);
	q->att_key_type = get_le16(buf + 2);
	q->tee_type = get_le32(buf + 4);
	if (q->tee_type != TDX_TEE_TYPE) {
		snprintf(err, errlen, "TEE type 0x%x is not TDX", q->tee_type);
		return MV_BADINPUT;
	}
	if (q->version == 4) {
		q->body_type = 2;
		q->body = buf + TDX_HEADER_SIZE;
		q->body_size = TDX_BODY10_SIZE;
	} else if (q->version == 5) {
		q->body_type = get_le16(buf + TDX_HEADER_SIZE);
		q->body_size = get_le32(buf + TDX_HEADER_SIZE + 2);
		q->body = buf + TDX_HEADER_SIZE + 6;
		if (!((q->body_type == 2 && q->body_size == TDX_BODY10_SIZE) ||
		      (q->body_type == 3 && q->body_size == TDX_BODY15_SIZE))) {
			snprintf(err, errlen,
				 "unsupported v5 body type %u size %zu",
				 q->body_type, q->body_size);
			return MV_FAIL;
		}
	} else {
		snprintf(err, errlen, "unsupported TDX quote version %u",
			 q->version);
		return MV_FAIL;
	}
	if (q->att_key_type != TDX_ATT_KEY_ECDSA_P256) {
		snprintf(err, errlen, "unsupported attestation key type %u",
			 q->att_key_type);
		return MV_FAIL;
	}
	q->signed_len = (size_t)(q->body - buf) + q->body_size;
	if (len < q->signed_len + 4)
		goto trunc;
	sd_len = get_le32(buf + q->signed_len);
	off = q->signed_len + 4;
	if (sd_len > len - off)
		goto trunc;
	q->trailing = len - off - sd_len;
	/* Signature data: sig[64], att key[64], certification data. */
	if (sd_len < 128 + 6)
		goto inner;
	q->sig = buf + off;
	q->att_key = buf + off + 64;
	cd_type = get_le16(buf + off + 128);
	cd_len = get_le32(buf + off + 130);
	off += 134;
	sd_len -= 134;
	if (cd_type != TDX_CERT_QE_REPORT) {
		snprintf(err, errlen,
			 "certification data type %u is not a QE "
			 "report (6)",
			 cd_type);
		return MV_FAIL;
	}
	if (cd_len > sd_len || cd_len < SGX_REPORT_SIZE + 64 + 2)
		goto inner;
	q->qe_report = buf + off;
	q->qe_sig = buf + off + SGX_REPORT_SIZE;
	off += SGX_REPORT_SIZE + 64;
	cd_len -= SGX_REPORT_SIZE + 64;
	q->qe_auth_len = get_le16(buf + off);
	off += 2;
	cd_len -= 2;
	if (q->qe_auth_len > cd_len || cd_len - q->qe_auth_len < 6)
		goto inner;
	q->qe_auth = buf + off;
	off += q->qe_auth_len;
	cd_len -= q->qe_auth_len;
	inner_type = get_le16(buf + off);
	inner_len = get_le32(buf + off + 2);
	off += 6;
	cd_len -= 6;
	if (inner_type != TDX_CERT_PCK_CHAIN) {
		snprintf(err, errlen,
			 "QE certification data type %u is not a "
			 "PCK chain (5)",
			 inner_type);
		return MV_FAIL;
	}
	if (inner_len > cd_len)
		goto inner;
	q->pck_chain = buf + off;
	q->pck_chain_len = (uint32_t)inner_len;
	return MV_OK;
trunc:
	snprintf(err, errlen, "TDX quote truncated (%zu bytes)", len);
	return MV_BADINPUT;
inner:
	snprintf(err, errlen, "signature data lengths are inconsistent");
	return MV_FAIL;
}

static void body_json(const uint8_t *b, size_t size, json_t *o)
{
	static const char *const rtmr[] = { "rtmr0", "rtmr1", "rtmr2",
					    "rtmr3" };
	int i;

	mv_json_hex(o, "tee_tcb_svn", b + TDB_TEE_TCB_SVN, 16);
	mv_json_hex(o, "mrseam", b + TDB_MRSEAM, 48);
	mv_json_hex(o, "mrsignerseam", b + TDB_MRSIGNERSEAM, 48);
	mv_json_hex(o, "seam_attributes", b + TDB_SEAM_ATTR, 8);
	mv_json_hex(o, "td_attributes", b + TDB_TD_ATTR, 8);
	json_object_set_new(o, "debug", json_boolean(b[TDB_TD_ATTR] & 1));
	mv_json_hex(o, "xfam", b + TDB_XFAM, 8);
	mv_json_hex(o, "mrtd", b + TDB_MRTD, 48);
	mv_json_hex(o, "mrconfigid", b + TDB_MRCONFIGID, 48);
	mv_json_hex(o, "mrowner", b + TDB_MROWNER, 48);
	mv_json_hex(o, "mrownerconfig", b + TDB_MROWNERCONFIG, 48);
	for (i = 0; i < 4; i++)
		mv_json_hex(o, rtmr[i], b + TDB_RTMR0 + 48 * i, 48);
	mv_json_hex(o, "report_data", b + TDB_REPORTDATA, 64);
	if (size == TDX_BODY15_SIZE) {
		mv_json_hex(o, "tee_tcb_svn2", b + TDB_TEE_TCB_SVN2, 16);
		mv_json_hex(o, "mrservicetd", b + TDB_MRSERVICETD, 48);
	}
}

json_t *tdx_quote_json(const struct tdx_quote *q)
{
	json_t *o = json_object(), *body = json_object(), *qe = json_object();

	json_object_set_new(o, "version", json_integer(q->version));
	json_object_set_new(o, "body_type", json_integer(q->body_type));
	json_object_set_new(o, "trailing_bytes",
			    json_integer((json_int_t)q->trailing));
	body_json(q->body, q->body_size, body);
	json_object_set_new(o, "body", body);
	if (q->qe_report) {
		mv_json_hex(qe, "mrenclave", q->qe_report + 0x40, 32);
		mv_json_hex(qe, "mrsigner", q->qe_report + 0x80, 32);
		json_object_set_new(
			qe, "isvprodid",
			json_integer(get_le16(q->qe_report + 0x100)));
		json_object_set_new(
			qe, "isvsvn",
			json_integer(get_le16(q->qe_report + 0x102)));
		mv_json_hex(qe, "report_data", q->qe_report + SGX_REPORT_DATA,
			    64);
		json_object_set_new(o, "qe_report", qe);
	} else {
		json_decref(qe);
	}
	return o;
}

json_t *tdreport_json(const uint8_t *t)
{
	static const char *const rtmr[] = { "rtmr0", "rtmr1", "rtmr2",
					    "rtmr3" };
	const uint8_t *td = t + TDREPORT_TDINFO;
	json_t *o = json_object();
	int i;

	mv_json_hex(o, "report_data", t + TDREPORT_REPORTDATA, 64);
	mv_json_hex(o, "td_attributes", td, 8);
	json_object_set_new(o, "debug", json_boolean(td[0] & 1));
	mv_json_hex(o, "xfam", td + 8, 8);
	mv_json_hex(o, "mrtd", td + 16, 48);
	mv_json_hex(o, "mrconfigid", td + 64, 48);
	mv_json_hex(o, "mrowner", td + 112, 48);
	mv_json_hex(o, "mrownerconfig", td + 160, 48);
	for (i = 0; i < 4; i++)
		mv_json_hex(o, rtmr[i], td + 208 + 48 * i, 48);
	return o;
}
