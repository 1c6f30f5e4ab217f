// SPDX-License-Identifier: MIT
/*
 * AMD KDS certificate extensions. Values are DER INTEGER / IA5String, except
 * hwID, which real certificates store as raw bytes with no DER tag; some
 * tools wrap it in an OCTET STRING, and both are accepted.
 */
#include "snp_vcek.h"
#include "mv_result.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <stdio.h>
#include <string.h>

#define AMD_ARC "1.3.6.1.4.1.3704.1."

/* The extension's value octets, or NULL when absent. */
static const ASN1_OCTET_STRING *ext_value(const X509 *x, const char *oid)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(oid, 1);
	int idx;

	if (!obj)
		return NULL;
	idx = X509_get_ext_by_OBJ(x, obj, -1);
	ASN1_OBJECT_free(obj);
	if (idx < 0)
		return NULL;
	return X509_EXTENSION_get_data(X509_get_ext(x, idx));
}

/* Returns 1 parsed, 0 absent, -1 malformed. */
static int ext_integer(const X509 *x, const char *oid, long *out)
{
	const ASN1_OCTET_STRING *v = ext_value(x, oid);
	const unsigned char *p;
	ASN1_INTEGER *ai;
	int64_t val;
	int ok;

	if (!v)
		return 0;
	p = ASN1_STRING_get0_data(v);
	ai = d2i_ASN1_INTEGER(NULL, &p, ASN1_STRING_length(v));
	if (!ai)
		return -1;
	ok = ASN1_INTEGER_get_int64(&val, ai) == 1 && val >= 0 && val <= 0xffff;
	ASN1_INTEGER_free(ai);
	ERR_clear_error();
	if (!ok)
		return -1;
	*out = (long)val;
	return 1;
}

static int ext_ia5(const X509 *x, const char *oid, char *out, size_t len)
{
	const ASN1_OCTET_STRING *v = ext_value(x, oid);
	const unsigned char *p;
	ASN1_IA5STRING *s;
	int n;

	if (!v)
		return 0;
	p = ASN1_STRING_get0_data(v);
	s = d2i_ASN1_IA5STRING(NULL, &p, ASN1_STRING_length(v));
	if (!s)
		return -1;
	n = ASN1_STRING_length(s);
	if (n < 0 || (size_t)n >= len) {
		ASN1_IA5STRING_free(s);
		return -1;
	}
	memcpy(out, ASN1_STRING_get0_data(s), (size_t)n);
	out[n] = 0;
	ASN1_IA5STRING_free(s);
	return 1;
}

static int ext_hwid(const X509 *x, struct snp_vcek_ext *e)
{
	const ASN1_OCTET_STRING *v = ext_value(x, AMD_ARC "4");
	const uint8_t *p;
	int n;

	if (!v)
		return 0;
	p = ASN1_STRING_get0_data(v);
	n = ASN1_STRING_length(v);
	if ((n == 66 && p[0] == 0x04 && p[1] == 64) ||
	    (n == 10 && p[0] == 0x04 && p[1] == 8)) {
		e->hwid_wrapped = 1;
		p += 2;
		n -= 2;
	}
	if (n != 64 && n != 8)
		return -1;
	memcpy(e->hwid, p, (size_t)n);
	e->hwid_len = (size_t)n;
	return 1;
}

int snp_vcek_ext_parse(const X509 *x, struct snp_vcek_ext *e, char *err,
		       size_t errlen)
{
	char oid[64];
	int i;

	memset(e, 0, sizeof(*e));
	e->struct_version = -1;
	if (ext_integer(x, AMD_ARC "1", &e->struct_version) < 0 ||
	    ext_ia5(x, AMD_ARC "2", e->product_name, sizeof(e->product_name)) <
		    0) {
		snprintf(err, errlen, "malformed structVersion/productName");
		return -1;
	}
	for (i = 0; i < 10; i++) {
		e->spl[i] = SNP_SPL_ABSENT;
		if (i == 0)
			continue;
		snprintf(oid, sizeof(oid), AMD_ARC "3.%d", i);
		if (ext_integer(x, oid, &e->spl[i]) < 0) {
			snprintf(err, errlen, "malformed TCB extension %s",
				 oid);
			return -1;
		}
	}
	if (ext_hwid(x, e) < 0) {
		snprintf(err, errlen, "hwID extension has a wrong length");
		return -1;
	}
	if (ext_ia5(x, AMD_ARC "5", e->csp_id, sizeof(e->csp_id)) < 0) {
		snprintf(err, errlen, "malformed cspId extension");
		return -1;
	}
	return 0;
}

json_t *snp_vcek_ext_json(const struct snp_vcek_ext *e)
{
	static const char *const names[10] = { NULL,	  "bl_spl", "tee_spl",
					       "snp_spl", "spl4",   "spl5",
					       "spl6",	  "spl7",   "ucode_spl",
					       "fmc_spl" };
	json_t *o = json_object();
	int i;

	if (e->struct_version >= 0)
		json_object_set_new(o, "struct_version",
				    json_integer(e->struct_version));
	json_object_set_new(o, "product_name", json_string(e->product_name));
	for (i = 1; i < 10; i++)
		if (e->spl[i] != SNP_SPL_ABSENT)
			json_object_set_new(o, names[i],
					    json_integer(e->spl[i]));
	if (e->hwid_len) {
		mv_json_hex(o, "hwid", e->hwid, e->hwid_len);
		json_object_set_new(
			o, "hwid_encoding",
			json_string(e->hwid_wrapped ? "octet-string" : "raw"));
	}
	if (e->csp_id[0])
		json_object_set_new(o, "csp_id", json_string(e->csp_id));
	return o;
}
