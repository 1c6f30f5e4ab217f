// SPDX-License-Identifier: MIT
/* Rendering of UEFI signature databases (PK, KEK, db, dbx) for dumps. */
#include <openssl/x509.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "vmgs/nvram.h"

bool is_sig_db(const struct vmgs_nvram_var *v, const char *name)
{
	if (!memcmp(v->vendor, vmgs_efi_global_guid, 16))
		return !strcmp(name, "PK") || !strcmp(name, "KEK");
	if (!memcmp(v->vendor, vmgs_efi_imagesec_guid, 16))
		return !strcmp(name, "db") || !strcmp(name, "dbx") ||
		       !strcmp(name, "dbt") || !strcmp(name, "dbr");
	return false;
}

struct walk {
	FILE *f;
	json_t *arr;
};

static void x509_subject(const struct vmgs_sig *s, char *out, size_t size)
{
	const unsigned char *p = s->data;
	X509 *x = d2i_X509(NULL, &p, (long)s->len);

	snprintf(out, size, "(not a parsable certificate)");
	if (x) {
		X509_NAME_oneline(X509_get_subject_name(x), out, (int)size);
		X509_free(x);
	}
}

static void one(void *arg, const struct vmgs_sig *s)
{
	struct walk *w = arg;
	char owner[37], desc[512];
	const char *type = "other";

	vmgs_guid_format(s->owner, owner);
	if (!memcmp(s->type, vmgs_efi_cert_sha256_guid, 16) && s->len == 32) {
		type = "sha256";
		for (size_t i = 0; i < 32; i++)
			snprintf(desc + 2 * i, 3, "%02x", s->data[i]);
	} else if (!memcmp(s->type, vmgs_efi_cert_x509_guid, 16)) {
		type = "x509";
		x509_subject(s, desc, sizeof(desc));
	} else {
		vmgs_guid_format(s->type, desc);
	}
	if (w->arr)
		json_array_append_new(
			w->arr, json_pack("{s:s, s:s, s:I, s:s}", "type", type,
					  "owner", owner, "size",
					  (json_int_t)s->len, "value", desc));
	else
		fprintf(w->f, "    %s owner=%s size=%zu %s\n", type, owner,
			s->len, desc);
}

json_t *print_sig_db(FILE *f, const struct vmgs_nvram_var *v, bool json)
{
	struct walk w = { f, json ? json_array() : NULL };

	if (vmgs_siglist_walk(v->data, v->data_bytes, one, &w) != VMGS_OK) {
		if (!json)
			fputs("    (malformed signature list)\n", f);
		json_decref(w.arr);
		return json ? json_string("malformed signature list") : NULL;
	}
	return w.arr;
}
