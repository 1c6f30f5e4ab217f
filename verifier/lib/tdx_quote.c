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

/* Header: version, attestation key type, TEE type, then fields we skip. */
static int parse_header(struct cursor *c, struct tdx_quote *q, char *err,
			size_t errlen)
{
	q->version = cur_le16(c);
	q->att_key_type = cur_le16(c);
	q->tee_type = cur_le32(c);
	cur_skip(c, TDX_HEADER_SIZE - 8);
	if (q->tee_type != TDX_TEE_TYPE) {
		snprintf(err, errlen, "TEE type 0x%x is not TDX", q->tee_type);
		return MV_BADINPUT;
	}
	return MV_OK;
}

/* Which body follows: v4 has TDX 1.0's; v5 names its type and size. */
static int parse_body_kind(struct cursor *c, struct tdx_quote *q, char *err,
			   size_t errlen)
{
	if (q->version == 4) {
		q->body_type = 2;
		q->body_size = TDX_BODY10_SIZE;
	} else if (q->version == 5) {
		q->body_type = cur_le16(c);
		q->body_size = cur_le32(c);
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
	return MV_OK;
}

static int inconsistent(char *err, size_t errlen)
{
	snprintf(err, errlen, "signature data lengths are inconsistent");
	return MV_FAIL;
}

/* QE certification data: QE report, its signature, QE auth data, then
 * the PCK chain as certification data of its own. */
static int parse_qe_cert(struct cursor *c, struct tdx_quote *q, char *err,
			 size_t errlen)
{
	uint16_t type;
	uint32_t len;

	q->qe_report = cur_take(c, SGX_REPORT_SIZE);
	q->qe_sig = cur_take(c, TDX_ECDSA_SIZE);
	q->qe_auth_len = cur_le16(c);
	q->qe_auth = cur_take(c, q->qe_auth_len);
	type = cur_le16(c);
	len = cur_le32(c);
	if (!cur_ok(c))
		return inconsistent(err, errlen);
	if (type != TDX_CERT_PCK_CHAIN) {
		snprintf(err, errlen,
			 "QE certification data type %u is not a "
			 "PCK chain (5)",
			 type);
		return MV_FAIL;
	}
	q->pck_chain = cur_take(c, len);
	q->pck_chain_len = len;
	return cur_ok(c) ? MV_OK : inconsistent(err, errlen);
}

/* Signature data: signature, attestation key, certification data. */
static int parse_sig_data(struct cursor *c, struct tdx_quote *q, char *err,
			  size_t errlen)
{
	struct cursor cd;
	uint16_t type;
	uint32_t len;

	q->sig = cur_take(c, TDX_ECDSA_SIZE);
	q->att_key = cur_take(c, TDX_ECDSA_SIZE);
	type = cur_le16(c);
	len = cur_le32(c);
	if (!cur_ok(c))
		return inconsistent(err, errlen);
	if (type != TDX_CERT_QE_REPORT) {
		snprintf(err, errlen,
			 "certification data type %u is not a QE "
			 "report (6)",
			 type);
		return MV_FAIL;
	}
	cd = cur_init(cur_take(c, len), len);
	if (!cur_ok(c))
		return inconsistent(err, errlen);
	return parse_qe_cert(&cd, q, err, errlen);
}

int tdx_quote_parse(const uint8_t *buf, size_t len, struct tdx_quote *q,
		    char *err, size_t errlen)
{
	struct cursor c = cur_init(buf, len), sd;
	uint32_t sd_len;
	int rc;

	memset(q, 0, sizeof(*q));
	if (len < TDX_HEADER_SIZE + 6) {
		snprintf(err, errlen, "not a TDX quote (%zu bytes)", len);
		return MV_BADINPUT;
	}
	rc = parse_header(&c, q, err, errlen);
	if (rc == MV_OK)
		rc = parse_body_kind(&c, q, err, errlen);
	if (rc != MV_OK)
		return rc;
	/* The attestation key signs everything up to the body's end. */
	q->signed_len = c.off + q->body_size;
	q->body = cur_take(&c, q->body_size);
	sd_len = cur_le32(&c);
	sd = cur_init(cur_take(&c, sd_len), sd_len);
	if (!cur_ok(&c)) {
		snprintf(err, errlen, "TDX quote truncated (%zu bytes)", len);
		return MV_BADINPUT;
	}
	q->trailing = cur_left(&c);
	return parse_sig_data(&sd, q, err, errlen);
}

/* TD fields after TD_ATTRIBUTES, laid out alike in the quote body and in
 * the TDREPORT's TDINFO (offsets here are the body's). */
static const struct td_field {
	const char *name;
	size_t off, len;
} td_fields[] = {
	{ "xfam", TDB_XFAM, 8 },
	{ "mrtd", TDB_MRTD, 48 },
	{ "mrconfigid", TDB_MRCONFIGID, 48 },
	{ "mrowner", TDB_MROWNER, 48 },
	{ "mrownerconfig", TDB_MROWNERCONFIG, 48 },
	{ "rtmr0", TDB_RTMR0, 48 },
	{ "rtmr1", TDB_RTMR0 + 48, 48 },
	{ "rtmr2", TDB_RTMR0 + 96, 48 },
	{ "rtmr3", TDB_RTMR0 + 144, 48 },
};

/* td points at TD_ATTRIBUTES. */
static void td_info_json(const uint8_t *td, json_t *o)
{
	size_t i;

	mv_json_hex(o, "td_attributes", td, 8);
	json_object_set_new(o, "debug", json_boolean(td[0] & 1));
	for (i = 0; i < sizeof(td_fields) / sizeof(td_fields[0]); i++)
		mv_json_hex(o, td_fields[i].name,
			    td + td_fields[i].off - TDB_TD_ATTR,
			    td_fields[i].len);
}

static void body_json(const uint8_t *b, size_t size, json_t *o)
{
	mv_json_hex(o, "tee_tcb_svn", b + TDB_TEE_TCB_SVN, 16);
	mv_json_hex(o, "mrseam", b + TDB_MRSEAM, 48);
	mv_json_hex(o, "mrsignerseam", b + TDB_MRSIGNERSEAM, 48);
	mv_json_hex(o, "seam_attributes", b + TDB_SEAM_ATTR, 8);
	td_info_json(b + TDB_TD_ATTR, o);
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
		mv_json_hex(qe, "mrenclave",
			    q->qe_report + SGX_REPORT_MRENCLAVE, 32);
		mv_json_hex(qe, "mrsigner", q->qe_report + SGX_REPORT_MRSIGNER,
			    32);
		json_object_set_new(
			qe, "isvprodid",
			json_integer(
				get_le16(q->qe_report + SGX_REPORT_ISVPRODID)));
		json_object_set_new(qe, "isvsvn",
				    json_integer(get_le16(q->qe_report +
							  SGX_REPORT_ISVSVN)));
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
	json_t *o = json_object();

	mv_json_hex(o, "report_data", t + TDREPORT_REPORTDATA, 64);
	td_info_json(t + TDREPORT_TDINFO, o);
	return o;
}
