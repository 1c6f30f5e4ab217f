// SPDX-License-Identifier: MIT
/* uefi-nvram dump, remove-boot-entries, remove-entry. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "vmgs/nvram.h"

#define TRUNCATE_BYTES 64

/* Loads BIOS_NVRAM (decrypting with the key if given). */
static int load(const struct args *a, bool writable, struct vmgs **v,
		struct vmgs_nvram *n, bool *encrypted)
{
	struct vmgs_file_info fi;
	uint8_t *blob;
	uint64_t len;
	enum vmgs_err e;
	int rc = open_unlocked(a, writable, v);

	if (rc)
		return rc;
	e = vmgs_stat(*v, VMGS_FID_BIOS_NVRAM, &fi);
	if (!e)
		e = vmgs_read(*v, VMGS_FID_BIOS_NVRAM, 0, &blob, &len);
	if (e) {
		vmgs_close(*v);
		return fail("BIOS_NVRAM", e);
	}
	*encrypted = fi.encrypted;
	e = len > VMGS_NVRAM_MAX_BLOB ? VMGS_E_BAD_NVRAM :
					vmgs_nvram_parse(blob, (size_t)len, n);
	free(blob);
	if (e) {
		vmgs_close(*v);
		return fail("BIOS_NVRAM", e);
	}
	return EXIT_OK;
}

static int store(struct vmgs *v, struct vmgs_nvram *n, bool encrypted)
{
	uint8_t *blob;
	size_t len;
	enum vmgs_err e = vmgs_nvram_serialize(n, &blob, &len);

	if (e)
		return fail("BIOS_NVRAM", e);
	e = vmgs_write(v, VMGS_FID_BIOS_NVRAM, blob, len,
		       VMGS_WRITE_OVERWRITE |
			       (encrypted ? VMGS_WRITE_ENCRYPT : 0));
	free(blob);
	return e ? fail("write BIOS_NVRAM", e) : EXIT_OK;
}

static bool is_global(const struct vmgs_nvram_var *v)
{
	return !memcmp(v->vendor, vmgs_efi_global_guid, 16);
}

/* Boot####: EFI_LOAD_OPTION attributes, path length, UTF-16 description. */
static void boot_description(const struct vmgs_nvram_var *v, char *out,
			     size_t size)
{
	size_t j = 0;

	for (size_t i = 6; i + 1 < v->data_bytes && j + 1 < size; i += 2) {
		uint16_t c = (uint16_t)(v->data[i] | v->data[i + 1] << 8);

		if (!c)
			break;
		out[j++] = c >= 0x20 && c < 0x7f ? (char)c : '?';
	}
	out[j] = 0;
}

static void hex(FILE *f, const uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		fprintf(f, "%02x", d[i]);
}

int cmd_nvram_dump(const struct args *a)
{
	struct vmgs_nvram n;
	struct vmgs *v;
	bool enc;
	FILE *f = stdout;
	json_t *arr = a->json ? json_array() : NULL;
	int rc = load(a, false, &v, &n, &enc);

	if (rc) {
		json_decref(arr);
		return rc;
	}
	vmgs_close(v);
	if (a->out && !(f = fopen(a->out, "w"))) {
		vmgs_nvram_free(&n);
		json_decref(arr);
		return fail_msg("%s: cannot create", a->out);
	}
	for (size_t i = 0; i < n.count; i++) {
		const struct vmgs_nvram_var *x = &n.vars[i];
		size_t shown = a->truncate && x->data_bytes > TRUNCATE_BYTES ?
				       TRUNCATE_BYTES :
				       x->data_bytes;
		char name[VMGS_NVRAM_MAX_NAME / 2 + 1], guid[37];
		char desc[256] = "";

		vmgs_nvram_name(x, name, sizeof(name));
		vmgs_guid_format(x->vendor, guid);
		if (is_global(x) && !strncmp(name, "Boot", 4) &&
		    strlen(name) == 8 && x->data_bytes >= 6)
			boot_description(x, desc, sizeof(desc));
		if (arr) {
			char *h = malloc(shown * 2 + 1);

			if (!h)
				break;
			for (size_t k = 0; k < shown; k++)
				snprintf(h + 2 * k, 3, "%02x", x->data[k]);
			h[2 * shown] = 0;
			json_t *o =
				json_pack("{s:s, s:s, s:i, s:I, s:s, s:s}",
					  "vendor", guid, "name", name,
					  "attributes", (int)x->attributes,
					  "size", (json_int_t)x->data_bytes,
					  "description", desc, "data_hex", h);

			if (o && is_sig_db(x, name))
				json_object_set_new(o, "signatures",
						    print_sig_db(f, x, true));
			json_array_append_new(arr, o);
			free(h);
			continue;
		}
		fprintf(f, "%s %s attr=0x%08x size=%zu", guid, name,
			x->attributes, x->data_bytes);
		if (*desc)
			fprintf(f, " \"%s\"", desc);
		if (is_global(x) && !strcmp(name, "BootOrder")) {
			fputs(" order=", f);
			for (size_t k = 0; k + 1 < x->data_bytes; k += 2)
				fprintf(f, "%s%04X", k ? "," : "",
					x->data[k] | x->data[k + 1] << 8);
		}
		fputs("\n  ", f);
		hex(f, x->data, shown);
		fputs(shown < x->data_bytes ? "...\n" : "\n", f);
		if (is_sig_db(x, name))
			print_sig_db(f, x, false);
	}
	vmgs_nvram_free(&n);
	if (arr) {
		if (f != stdout) {
			rc = json_dumpf(arr, f, JSON_INDENT(2)) ? 1 : 0;
			json_decref(arr);
		} else {
			rc = print_json(arr);
		}
	}
	if (f != stdout && fclose(f) != 0)
		rc = fail_msg("%s: write error", a->out);
	return rc;
}

int cmd_nvram_remove_boot_entries(const struct args *a)
{
	struct vmgs_nvram n;
	struct vmgs *v;
	bool enc;
	long bo;
	unsigned removed = 0;
	int rc = load(a, !a->dry_run, &v, &n, &enc);

	if (rc)
		return rc;
	bo = vmgs_nvram_find(&n, vmgs_efi_global_guid, "BootOrder");
	if (bo >= 0) {
		/* Copy the order: removals move the records. */
		size_t cnt = n.vars[bo].data_bytes / 2;
		uint16_t *order = calloc(cnt ? cnt : 1, sizeof(*order));

		for (size_t k = 0; order && k < cnt; k++)
			order[k] = (uint16_t)(n.vars[bo].data[2 * k] |
					      n.vars[bo].data[2 * k + 1] << 8);
		for (size_t k = 0; order && k < cnt; k++) {
			char name[16];
			long idx;

			snprintf(name, sizeof(name), "Boot%04X", order[k]);
			idx = vmgs_nvram_find(&n, vmgs_efi_global_guid, name);
			if (idx < 0)
				continue;
			printf("%s %s\n",
			       a->dry_run ? "would remove" : "remove", name);
			vmgs_nvram_remove(&n, (size_t)idx);
			removed++;
		}
		free(order);
		bo = vmgs_nvram_find(&n, vmgs_efi_global_guid, "BootOrder");
		printf("%s BootOrder\n",
		       a->dry_run ? "would remove" : "remove");
		vmgs_nvram_remove(&n, (size_t)bo);
		removed++;
	}
	if (!removed)
		printf("no boot entries\n");
	else if (!a->dry_run)
		rc = store(v, &n, enc);
	vmgs_nvram_free(&n);
	vmgs_close(v);
	return rc;
}

int cmd_nvram_remove_entry(const struct args *a)
{
	uint8_t guid[16];
	struct vmgs_nvram n;
	struct vmgs *v;
	bool enc;
	long idx;
	int rc;

	if (!a->vendor || vmgs_guid_parse(a->vendor, guid) != VMGS_OK)
		return fail_msg("remove-entry: --vendor needs a GUID "
				"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx");
	rc = load(a, true, &v, &n, &enc);
	if (rc)
		return rc;
	idx = vmgs_nvram_find(&n, guid, a->name);
	if (idx < 0) {
		rc = fail_msg("remove-entry: no variable %s in %s", a->name,
			      a->vendor);
	} else {
		vmgs_nvram_remove(&n, (size_t)idx);
		rc = store(v, &n, enc);
	}
	vmgs_nvram_free(&n);
	vmgs_close(v);
	return rc;
}
