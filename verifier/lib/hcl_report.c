// SPDX-License-Identifier: MIT
/*
 * HCLA report: a 32-byte header, the hardware report slot (SNP report or
 * TDREPORT), the IGVM request data header and the runtime-claims JSON. The
 * claims are hashed as raw bytes before any JSON parsing.
 */
#include "hcl_report.h"
#include "mantle_bytes.h"
#include "mv_util.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

/* The fixed header: signature, version, report size, request type, status,
 * reserved up to the hardware report. */
static void parse_header(struct cursor *c, struct hcl_report *h)
{
	cur_skip(c, 4);
	h->hdr_version = cur_le32(c);
	h->report_size = cur_le32(c);
	h->request_type = cur_le32(c);
	h->status = cur_le32(c);
	cur_skip(c, HCL_HW_OFFSET - 20);
}

/* IGVM request data header: data size, version, report type, hash type,
 * claims size; version 2 adds a capability bitmap before the claims. */
static int parse_igvm_header(struct cursor *c, struct hcl_report *h, char *err,
			     size_t errlen)
{
	h->data_size = cur_le32(c);
	h->igvm_version = cur_le32(c);
	h->report_type = cur_le32(c);
	h->hash_type = cur_le32(c);
	h->var_size = cur_le32(c);
	if (h->igvm_version == 2) {
		cur_skip(c, 4);
	} else if (h->igvm_version != 1) {
		snprintf(err, errlen,
			 "unsupported IGVM request data version %u",
			 h->igvm_version);
		return MV_FAIL;
	}
	if (h->report_type != HCL_TYPE_SNP && h->report_type != HCL_TYPE_TDX) {
		snprintf(err, errlen, "unsupported hardware report type %u",
			 h->report_type);
		return MV_FAIL;
	}
	return MV_OK;
}

int hcl_report_parse(const uint8_t *buf, size_t len, struct hcl_report *h,
		     char *err, size_t errlen)
{
	struct cursor c = cur_init(buf, len);
	size_t igvm_hdr;
	int rc;

	memset(h, 0, sizeof(*h));
	if (len < HCL_CLAIMS_OFFSET || get_le32(buf) != HCL_SIGNATURE) {
		snprintf(err, errlen, "not an HCLA report (%zu bytes)", len);
		return MV_BADINPUT;
	}
	parse_header(&c, h);
	h->hw = cur_take(&c, HCL_HW_SIZE);
	rc = parse_igvm_header(&c, h, err, errlen);
	if (rc != MV_OK)
		return rc;
	/* data_size counts the IGVM header (with the bitmap) and the claims. */
	igvm_hdr = c.off - HCL_IGVM_OFFSET;
	h->claims = cur_take(&c, h->var_size);
	if (!cur_ok(&c) || h->data_size != h->var_size + igvm_hdr) {
		snprintf(err, errlen,
			 "runtime claims size %u (data size %u) does not fit",
			 h->var_size, h->data_size);
		return MV_FAIL;
	}
	h->claims_len = h->var_size;
	return MV_OK;
}

int hcl_check_binding(const struct hcl_report *h, const uint8_t *report_data,
		      struct mv_result *r)
{
	const EVP_MD *md;
	uint8_t dig[64];
	unsigned int n = 0;

	switch (h->hash_type) {
	case 1:
		md = EVP_sha256();
		break;
	case 2:
		md = EVP_sha384();
		break;
	case 3:
		md = EVP_sha512();
		break;
	default:
		mv_fail(r, MV_FAIL, "unsupported report data hash type %u",
			h->hash_type);
		return -1;
	}
	if (EVP_Digest(h->claims, h->claims_len, dig, &n, md, NULL) != 1)
		return -1;
	mv_json_hex(r->root, "claims_digest", dig, n);
	if (CRYPTO_memcmp(report_data, dig, n) ||
	    !mv_all_zero(report_data + n, 64 - n)) {
		mv_fail(r, MV_FAIL,
			"REPORT_DATA is not the hash of the runtime claims");
		return -1;
	}
	mv_pass(r, "REPORT_DATA = %s(runtime claims)", EVP_MD_get0_name(md));
	return 0;
}

json_t *hcl_claims(const struct hcl_report *h, struct mv_result *r)
{
	json_error_t jerr;
	json_t *c, *keys, *ids, *k;
	size_t i;

	c = json_loadb((const char *)h->claims, h->claims_len,
		       JSON_REJECT_DUPLICATES, &jerr);
	if (!c || !json_is_object(c)) {
		mv_fail(r, MV_FAIL, "runtime claims are not a JSON object: %s",
			c ? "wrong type" : jerr.text);
		json_decref(c);
		return NULL;
	}
	json_object_set(r->root, "claims", c);
	ids = json_array();
	keys = json_object_get(c, "keys");
	json_array_foreach(keys, i, k)
	{
		json_t *kid = json_object_get(k, "kid");

		if (json_is_string(kid))
			json_array_append(ids, kid);
	}
	json_object_set_new(r->root, "key_ids", ids);
	return c;
}

json_t *hcl_claims_key(json_t *claims, const char *kid)
{
	json_t *k;
	size_t i;

	json_array_foreach(json_object_get(claims, "keys"), i, k)
	{
		if (json_is_string(json_object_get(k, "kid")) &&
		    !strcmp(json_string_value(json_object_get(k, "kid")), kid))
			return k;
	}
	return NULL;
}

void hcl_header_json(const struct hcl_report *h, json_t *o)
{
	json_object_set_new(o, "header_version", json_integer(h->hdr_version));
	json_object_set_new(o, "report_size", json_integer(h->report_size));
	json_object_set_new(o, "request_type", json_integer(h->request_type));
	json_object_set_new(o, "status", json_integer(h->status));
	json_object_set_new(o, "igvm_version", json_integer(h->igvm_version));
	json_object_set_new(
		o, "report_type",
		json_string(h->report_type == HCL_TYPE_SNP ? "snp" : "tdx"));
	json_object_set_new(o, "hash_type", json_integer(h->hash_type));
	json_object_set_new(o, "claims_size", json_integer(h->var_size));
}
