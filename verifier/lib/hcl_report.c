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

int hcl_report_parse(const uint8_t *buf, size_t len, struct hcl_report *h,
		     char *err, size_t errlen)
{
	size_t claims_off = HCL_CLAIMS_OFFSET;

	memset(h, 0, sizeof(*h));
	if (len < HCL_CLAIMS_OFFSET || get_le32(buf) != HCL_SIGNATURE) {
		snprintf(err, errlen, "not an HCLA report (%zu bytes)", len);
		return MV_BADINPUT;
	}
	h->hdr_version = get_le32(buf + 4);
	h->report_size = get_le32(buf + 8);
	h->request_type = get_le32(buf + 12);
	h->status = get_le32(buf + 16);
	h->hw = buf + HCL_HW_OFFSET;
	h->data_size = get_le32(buf + HCL_IGVM_OFFSET);
	h->igvm_version = get_le32(buf + HCL_IGVM_OFFSET + 4);
	h->report_type = get_le32(buf + HCL_IGVM_OFFSET + 8);
	h->hash_type = get_le32(buf + HCL_IGVM_OFFSET + 12);
	h->var_size = get_le32(buf + HCL_IGVM_OFFSET + 16);
	if (h->igvm_version == 2)
		claims_off += 4; /* capability bitmap before the claims */
	else if (h->igvm_version != 1) {
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
	if (h->var_size > len - claims_off ||
	    h->data_size != h->var_size + (claims_off - HCL_IGVM_OFFSET)) {
		snprintf(err, errlen,
			 "runtime claims size %u (data size %u) does not fit",
			 h->var_size, h->data_size);
		return MV_FAIL;
	}
	h->claims = buf + claims_off;
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
