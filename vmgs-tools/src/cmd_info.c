// SPDX-License-Identifier: MIT
/* dump-headers, query-encryption, check, update-key, encrypt. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static json_t *header_json(const struct vmgs_header_info *h, int idx,
			   int active)
{
	return json_pack(
		"{s:i, s:b, s:b, s:b, s:s, s:I, s:I, s:I, s:I, s:I, "
		"s:I, s:I, s:i, s:i, s:[b,b]}",
		"index", idx, "present", h->present, "valid",
		h->status == VMGS_OK, "active", idx == active, "status",
		vmgs_errname(h->status), "signature", (json_int_t)h->signature,
		"version", (json_int_t)h->version, "checksum",
		(json_int_t)h->checksum, "computed_checksum",
		(json_int_t)h->computed_checksum, "sequence",
		(json_int_t)h->sequence, "file_table_offset",
		(json_int_t)h->file_table_offset, "header_size",
		(json_int_t)h->header_size, "encryption_algorithm",
		(int)h->encryption_algorithm, "markers", (int)h->markers,
		"key_slots_used", h->key_slot_used[0], h->key_slot_used[1]);
}

int cmd_dump_headers(const struct args *a)
{
	struct vmgs_headers hs;
	struct vmgs_io io;
	enum vmgs_err e;

	errno = 0;
	e = vmgs_io_file_open(&io, a->file, false);
	if (e)
		return fail(a->file, e);
	e = vmgs_read_headers(&io, a->raw ? VMGS_OPEN_RAW : 0, &hs);
	vmgs_io_close(&io);
	if (e && e != VMGS_E_EMPTY && e != VMGS_E_BAD_SEQUENCE &&
	    e != VMGS_E_BAD_HEADER)
		return fail(a->file, e);
	if (a->json) {
		json_t *o = json_pack(
			"{s:o, s:o, s:i, s:s}", "header1",
			header_json(&hs.h[0], 0, hs.active), "header2",
			header_json(&hs.h[1], 1, hs.active), "active",
			hs.active, "status", vmgs_errname(hs.status));
		int rc = print_json(o);

		return rc ? rc : exit_for(hs.status);
	}
	for (int i = 0; i < 2; i++) {
		const struct vmgs_header_info *h = &hs.h[i];

		printf("Header %d%s: %s\n", i + 1,
		       i == hs.active ? " (active)" : "",
		       h->status == VMGS_OK ? "valid" :
					      vmgs_strerror(h->status));
		if (!h->present)
			continue;
		printf("  signature:            0x%016llx\n",
		       (unsigned long long)h->signature);
		printf("  version:              0x%08x\n", h->version);
		printf("  checksum:             0x%08x (computed 0x%08x)\n",
		       h->checksum, h->computed_checksum);
		printf("  sequence:             %u\n", h->sequence);
		printf("  header size:          %u\n", h->header_size);
		printf("  file table offset:    %u\n", h->file_table_offset);
		printf("  file table size:      %u\n", h->file_table_size);
		printf("  encryption algorithm: %u (%s)\n",
		       h->encryption_algorithm,
		       h->encryption_algorithm == 1 ? "AES_GCM" :
		       h->encryption_algorithm == 0 ? "NONE" :
						      "unknown");
		printf("  markers:              0x%04x\n", h->markers);
		printf("  key slots in use:     %s %s\n",
		       h->key_slot_used[0] ? "0" : "-",
		       h->key_slot_used[1] ? "1" : "-");
	}
	if (hs.active < 0)
		return fail("no active header", hs.status);
	return EXIT_OK;
}

int cmd_query_encryption(const struct args *a)
{
	struct vmgs_file_info fi;
	struct vmgs *v;
	const char *scheme;
	enum vmgs_err e;
	int code;

	e = open_vmgs(a, false, &v);
	if (e)
		return fail(a->file, e);
	if (!vmgs_is_encrypted(v)) {
		scheme = "none";
		code = EXIT_NOT_ENCRYPTED;
	} else if (vmgs_stat(v, VMGS_FID_KEY_PROTECTOR, &fi) == VMGS_OK) {
		scheme = "GspKey";
		code = EXIT_OK;
	} else if (vmgs_stat(v, VMGS_FID_VM_UNIQUE_ID, &fi) == VMGS_OK) {
		scheme = "GspById";
		code = EXIT_GSP_BY_ID;
	} else {
		scheme = "GspUnknown";
		code = EXIT_GSP_UNKNOWN;
	}
	vmgs_close(v);
	if (a->json) {
		int rc = print_json(json_pack("{s:b, s:s}", "encrypted",
					      code != EXIT_NOT_ENCRYPTED,
					      "scheme", scheme));
		return rc ? rc : code;
	}
	printf("%s\n", code == EXIT_NOT_ENCRYPTED ? "not encrypted" : scheme);
	return code;
}

struct check_out {
	json_t *arr;
};

static void check_line(void *arg, enum vmgs_check_kind kind, enum vmgs_err code,
		       const char *where, const char *msg)
{
	struct check_out *o = arg;
	const char *k = kind == VMGS_CHECK_ERROR ? "error" : "warning";

	if (o->arr)
		json_array_append_new(
			o->arr, json_pack("{s:s, s:s, s:s, s:s}", "kind", k,
					  "code", vmgs_errname(code), "where",
					  where, "message", msg));
	else
		printf("%s: %s: %s [%s]\n", k, where, msg, vmgs_errname(code));
}

int cmd_check(const struct args *a)
{
	uint8_t key[VMGS_KEY_SIZE];
	struct vmgs_check_result r;
	struct check_out o = { NULL };
	struct vmgs_io io;
	enum vmgs_err e;
	int rc;

	rc = load_optional_key(a->key, key);
	if (rc)
		return rc;
	errno = 0;
	e = vmgs_io_file_open(&io, a->file, false);
	if (e)
		return fail(a->file, e);
	if (a->json)
		o.arr = json_array();
	e = vmgs_check(&io, a->raw ? VMGS_OPEN_RAW : 0, a->key ? key : NULL,
		       check_line, &o, &r);
	memset(key, 0, sizeof(key));
	vmgs_io_close(&io);
	if (o.arr) {
		rc = print_json(json_pack(
			"{s:b, s:s, s:i, s:i, s:i, s:i, s:i, s:o}", "ok",
			r.errors == 0, "status", vmgs_errname(e), "errors",
			(int)r.errors, "warnings", (int)r.warnings,
			"files_checked", (int)r.files_checked, "tags_verified",
			(int)r.tags_verified, "active_header", r.active_header,
			"problems", o.arr));
		return rc ? rc : exit_for(e);
	}
	printf("%s: %u error(s), %u warning(s); %u entries checked, %u GCM "
	       "tag(s) verified\n",
	       r.errors ? "FAILED" : "OK", r.errors, r.warnings,
	       r.files_checked, r.tags_verified);
	return exit_for(e);
}

int cmd_update_key(const struct args *a)
{
	uint8_t nk[VMGS_KEY_SIZE];
	struct vmgs *v;
	enum vmgs_err e;
	int rc;

	if (a->alg == VMGS_ENC_NONE)
		return fail_msg("update-key: only AES_GCM is supported");
	rc = load_key(a->new_key, nk);
	if (rc)
		return rc;
	rc = open_unlocked(a, true, &v);
	if (rc)
		return rc;
	e = vmgs_roll_key(v, nk);
	memset(nk, 0, sizeof(nk));
	vmgs_close(v);
	return e ? fail("update-key", e) : EXIT_OK;
}

int cmd_encrypt(const struct args *a)
{
	uint8_t key[VMGS_KEY_SIZE];
	struct vmgs *v;
	enum vmgs_err e;
	int rc;

	if (a->alg == VMGS_ENC_NONE)
		return fail_msg("encrypt: only AES_GCM is supported");
	rc = load_key(a->key, key);
	if (rc)
		return rc;
	e = open_vmgs(a, true, &v);
	if (e)
		return fail(a->file, e);
	e = vmgs_add_first_key(v, key);
	memset(key, 0, sizeof(key));
	vmgs_close(v);
	return e ? fail("encrypt", e) : EXIT_OK;
}
