// SPDX-License-Identifier: MIT
/*
 * PCK SGX extension: SEQUENCE OF SEQUENCE { OID, value } with the TCB (.2,
 * itself a SEQUENCE of the same shape), PCE-ID (.3) and FMSPC (.4).
 */
#include "tdx_pck.h"

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/objects.h>
#include <stdio.h>
#include <string.h>

#define SGX_ARC "1.2.840.113741.1.13.1"

/* Splits a DER SEQUENCE { OID, value } into its two members. */
static STACK_OF(ASN1_TYPE) * pair(const ASN1_TYPE *t, char *oid, size_t len)
{
	const unsigned char *p;
	STACK_OF(ASN1_TYPE) * sk;

	if (t->type != V_ASN1_SEQUENCE)
		return NULL;
	p = ASN1_STRING_get0_data(t->value.sequence);
	sk = d2i_ASN1_SEQUENCE_ANY(NULL, &p,
				   ASN1_STRING_length(t->value.sequence));
	if (!sk)
		return NULL;
	if (sk_ASN1_TYPE_num(sk) != 2 ||
	    sk_ASN1_TYPE_value(sk, 0)->type != V_ASN1_OBJECT ||
	    OBJ_obj2txt(oid, (int)len, sk_ASN1_TYPE_value(sk, 0)->value.object,
			1) <= 0) {
		sk_ASN1_TYPE_pop_free(sk, ASN1_TYPE_free);
		return NULL;
	}
	return sk;
}

static int octets(const ASN1_TYPE *v, uint8_t *out, int n)
{
	if (v->type != V_ASN1_OCTET_STRING ||
	    ASN1_STRING_length(v->value.octet_string) != n)
		return -1;
	memcpy(out, ASN1_STRING_get0_data(v->value.octet_string), (size_t)n);
	return 0;
}

static int tcb(const ASN1_TYPE *v, struct tdx_pck_ext *e)
{
	STACK_OF(ASN1_TYPE) * items, *kv;
	const unsigned char *p;
	char oid[80];
	int i, n, found = 0;
	long val;

	if (v->type != V_ASN1_SEQUENCE)
		return -1;
	p = ASN1_STRING_get0_data(v->value.sequence);
	items = d2i_ASN1_SEQUENCE_ANY(NULL, &p,
				      ASN1_STRING_length(v->value.sequence));
	if (!items)
		return -1;
	for (i = 0; i < sk_ASN1_TYPE_num(items); i++) {
		kv = pair(sk_ASN1_TYPE_value(items, i), oid, sizeof(oid));
		if (!kv)
			continue;
		if (sscanf(oid, SGX_ARC ".2.%d", &n) == 1 &&
		    sk_ASN1_TYPE_value(kv, 1)->type == V_ASN1_INTEGER) {
			val = ASN1_INTEGER_get(
				sk_ASN1_TYPE_value(kv, 1)->value.integer);
			if (n >= 1 && n <= 16)
				e->comp_svn[n - 1] = (int)val;
			else if (n == 17)
				e->pcesvn = (int)val;
			found++;
		}
		sk_ASN1_TYPE_pop_free(kv, ASN1_TYPE_free);
	}
	sk_ASN1_TYPE_pop_free(items, ASN1_TYPE_free);
	return found >= 17 ? 0 : -1;
}

int tdx_pck_ext_parse(const X509 *x, struct tdx_pck_ext *e)
{
	ASN1_OBJECT *obj = OBJ_txt2obj(SGX_ARC, 1);
	const ASN1_OCTET_STRING *data;
	STACK_OF(ASN1_TYPE) *items = NULL, *kv;
	const unsigned char *p;
	char oid[80];
	int idx, i, got = 0;

	memset(e, 0, sizeof(*e));
	idx = obj ? X509_get_ext_by_OBJ(x, obj, -1) : -1;
	ASN1_OBJECT_free(obj);
	if (idx < 0)
		return -1;
	data = X509_EXTENSION_get_data(X509_get_ext(x, idx));
	p = ASN1_STRING_get0_data(data);
	items = d2i_ASN1_SEQUENCE_ANY(NULL, &p, ASN1_STRING_length(data));
	for (i = 0; items && i < sk_ASN1_TYPE_num(items); i++) {
		kv = pair(sk_ASN1_TYPE_value(items, i), oid, sizeof(oid));
		if (!kv)
			continue;
		if (!strcmp(oid, SGX_ARC ".2") &&
		    !tcb(sk_ASN1_TYPE_value(kv, 1), e))
			got |= 1;
		else if (!strcmp(oid, SGX_ARC ".3") &&
			 !octets(sk_ASN1_TYPE_value(kv, 1), e->pce_id, 2))
			got |= 2;
		else if (!strcmp(oid, SGX_ARC ".4") &&
			 !octets(sk_ASN1_TYPE_value(kv, 1), e->fmspc, 6))
			got |= 4;
		sk_ASN1_TYPE_pop_free(kv, ASN1_TYPE_free);
	}
	sk_ASN1_TYPE_pop_free(items, ASN1_TYPE_free);
	ERR_clear_error();
	return got == 7 ? 0 : -1;
}
