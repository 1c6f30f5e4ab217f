// SPDX-License-Identifier: MIT
/* create, write, dump, query-size, move, delete, dump-file-table. */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

int cmd_create(const struct args *a)
{
	uint64_t cap = a->size_set ? a->size : VMGS_DEFAULT_CAPACITY;
	uint64_t total = cap + (a->raw ? 0 : VMGS_VHD_FOOTER_SIZE);
	uint8_t key[VMGS_KEY_SIZE];
	struct vmgs_io io;
	struct vmgs *v;
	struct stat st;
	enum vmgs_err e;
	int rc;

	if (!!a->key != (a->alg == VMGS_ENC_AES_GCM))
		return fail_msg("create: --key-path and "
				"--encryption-algorithm AES_GCM go together");
	if (cap % 512 || cap < VMGS_MIN_CAPACITY || cap > VMGS_MAX_FILE_BYTES)
		return fail_msg("create: --file-size must be a multiple of "
				"512 between 16384 and 4294967296");
	if (stat(a->file, &st) == 0 && !a->force_create)
		return fail_msg("create: %s exists (use --force-create)",
				a->file);
	rc = load_optional_key(a->key, key);
	if (rc)
		return rc;
	/*
	 * An existing file of the right size is formatted in place: a valid
	 * VMGS there is replaced in one atomic update, its footer kept.
	 */
	if (stat(a->file, &st) == 0 && S_ISREG(st.st_mode) &&
	    (uint64_t)st.st_size == total)
		e = vmgs_io_file_open(&io, a->file, true);
	else
		e = vmgs_io_file_create(&io, a->file, total);
	if (e)
		return fail(a->file, e);
	e = vmgs_format(&io, cap,
			VMGS_OPEN_WRITE | (a->raw ? VMGS_OPEN_RAW : 0), &v);
	if (e) {
		vmgs_io_close(&io);
		return fail("format", e);
	}
	if (a->key) {
		e = vmgs_add_first_key(v, key);
		memset(key, 0, sizeof(key));
	}
	vmgs_close(v);
	if (e)
		return fail("encrypt", e);
	if (verbose)
		fprintf(stderr, "created %s: %llu bytes\n", a->file,
			(unsigned long long)total);
	return EXIT_OK;
}

int cmd_write(const struct args *a)
{
	struct vmgs *v;
	uint8_t *data;
	uint64_t len;
	unsigned flags = a->allow_overwrite ? VMGS_WRITE_OVERWRITE : 0;
	enum vmgs_err e;
	int rc;

	rc = read_file(a->data, VMGS_MAX_FILE_BYTES, &data, &len);
	if (rc)
		return rc;
	rc = open_unlocked(a, true, &v);
	if (rc) {
		free(data);
		return rc;
	}
	if (a->key)
		flags |= VMGS_WRITE_ENCRYPT;
	e = vmgs_write(v, a->id, data, len, flags);
	free(data);
	vmgs_close(v);
	return e ? fail("write", e) : EXIT_OK;
}

static void hex_dump(FILE *f, const uint8_t *d, uint64_t len)
{
	for (uint64_t i = 0; i < len; i += 16) {
		uint64_t n = len - i < 16 ? len - i : 16;

		for (uint64_t j = 0; j < 16; j++) {
			if (j < n)
				fprintf(f, "0x%02x, ", d[i + j]);
			else
				fputs("      ", f);
		}
		fputs("// ", f);
		for (uint64_t j = 0; j < n; j++)
			fputc(isprint(d[i + j]) ? d[i + j] : '.', f);
		fputc('\n', f);
	}
}

static char *to_hex(const uint8_t *d, uint64_t len)
{
	static const char hx[] = "0123456789abcdef";
	char *s = malloc((size_t)len * 2 + 1);

	if (!s)
		return NULL;
	for (uint64_t i = 0; i < len; i++) {
		s[2 * i] = hx[d[i] >> 4];
		s[2 * i + 1] = hx[d[i] & 15];
	}
	s[2 * len] = 0;
	return s;
}

int cmd_dump(const struct args *a)
{
	struct vmgs_file_info fi;
	struct vmgs *v;
	uint8_t *data;
	uint64_t len;
	unsigned flags = 0;
	enum vmgs_err e;
	int rc;

	rc = open_unlocked(a, false, &v);
	if (rc)
		return rc;
	e = vmgs_stat(v, a->id, &fi);
	if (!e && fi.encrypted && !vmgs_is_unlocked(v)) {
		fprintf(stderr,
			"vmgstool: warning: file %u is encrypted and no "
			"key was given: dumping ciphertext\n",
			a->id);
		flags = VMGS_READ_RAW;
	}
	e = vmgs_read(v, a->id, flags, &data, &len);
	vmgs_close(v);
	if (e)
		return fail("dump", e);
	if (a->data) {
		rc = write_file(a->data, data, len);
	} else if (a->json) {
		char *hex = to_hex(data, len);
		json_t *j =
			json_pack("{s:i, s:s?, s:I, s:b, s:s?}", "file_id",
				  (int)a->id, "name", vmgs_file_id_name(a->id),
				  "size", (json_int_t)len, "encrypted",
				  fi.encrypted && !flags, "data_hex", hex);

		rc = hex ? print_json(j) : fail_msg("out of memory");
		if (!hex)
			json_decref(j);
		free(hex);
	} else if (a->raw_stdout) {
		rc = fwrite(data, 1, (size_t)len, stdout) == len ?
			     EXIT_OK :
			     fail_msg("dump: write to stdout failed");
	} else {
		hex_dump(stdout, data, len);
	}
	free(data);
	return rc;
}

int cmd_query_size(const struct args *a)
{
	struct vmgs_file_info fi;
	struct vmgs *v;
	enum vmgs_err e;

	e = open_vmgs(a, false, &v);
	if (e)
		return fail(a->file, e);
	e = vmgs_stat(v, a->id, &fi);
	vmgs_close(v);
	if (e)
		return fail("query-size", e);
	if (a->json)
		return print_json(json_pack("{s:i, s:I}", "file_id", (int)a->id,
					    "size",
					    (json_int_t)fi.valid_bytes));
	printf("%llu\n", (unsigned long long)fi.valid_bytes);
	return EXIT_OK;
}

int cmd_move(const struct args *a)
{
	struct vmgs *v;
	enum vmgs_err e;
	int rc = open_unlocked(a, true, &v);

	if (rc)
		return rc;
	e = vmgs_move(v, a->src, a->dst, a->allow_overwrite);
	vmgs_close(v);
	return e ? fail("move", e) : EXIT_OK;
}

int cmd_delete(const struct args *a)
{
	struct vmgs *v;
	enum vmgs_err e;
	int rc = open_unlocked(a, true, &v);

	if (rc)
		return rc;
	e = vmgs_delete(v, a->id);
	vmgs_close(v);
	return e ? fail("delete", e) : EXIT_OK;
}

int cmd_dump_file_table(const struct args *a)
{
	struct vmgs_file_info fi[VMGS_FILE_COUNT];
	struct vmgs *v;
	json_t *arr = NULL;
	int rc = open_unlocked(a, false, &v);

	if (rc)
		return rc;
	vmgs_list(v, fi);
	if (a->json)
		arr = json_array();
	else
		printf("%-4s %-22s %10s %12s %12s %s\n", "ID", "NAME", "BLOCK",
		       "ALLOCATED", "VALID", "ENCRYPTED");
	for (unsigned i = 0; i < VMGS_FILE_COUNT; i++) {
		const char *name = vmgs_file_id_name(i);
		uint64_t alloc = (uint64_t)fi[i].alloc_blocks * VMGS_BLOCK_SIZE;

		if (!fi[i].allocated)
			continue;
		if (arr) {
			json_array_append_new(
				arr,
				json_pack("{s:i, s:s?, s:i, s:I, s:I, s:b, "
					  "s:i}",
					  "file_id", (int)i, "name", name,
					  "block_offset",
					  (int)fi[i].block_offset,
					  "allocated_bytes", (json_int_t)alloc,
					  "valid_bytes",
					  (json_int_t)fi[i].valid_bytes,
					  "encrypted", fi[i].encrypted,
					  "attributes", (int)fi[i].attributes));
			continue;
		}
		printf("%-4u %-22s %10u %12llu %12llu %s\n", i,
		       name ? name : "-", fi[i].block_offset,
		       (unsigned long long)alloc,
		       (unsigned long long)fi[i].valid_bytes,
		       fi[i].encrypted ? "yes" : "no");
	}
	if (arr) {
		json_t *o = json_pack(
			"{s:b, s:b, s:I, s:o}", "encrypted",
			vmgs_is_encrypted(v), "unlocked", vmgs_is_unlocked(v),
			"capacity", (json_int_t)vmgs_capacity(v), "files", arr);

		vmgs_close(v);
		return print_json(o);
	}
	vmgs_close(v);
	return EXIT_OK;
}
