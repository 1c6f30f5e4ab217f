/* SPDX-License-Identifier: MIT */
/*
 * The UEFI variable store kept in BIOS_NVRAM (file 1): a packed list of
 * records (48-byte header, UTF-16LE name, data), no global header.
 */
#ifndef VMGS_NVRAM_H
#define VMGS_NVRAM_H

#include <stddef.h>
#include <stdint.h>

#include "vmgs/vmgs.h"

#define VMGS_NVRAM_MAX_BLOB 131072u
#define VMGS_NVRAM_MAX_NAME 2048u
#define VMGS_NVRAM_MAX_DATA 32768u

struct vmgs_nvram_var {
	uint32_t attributes;
	uint8_t timestamp[16];
	uint8_t vendor[16]; /* GUID, Windows byte layout */
	const uint8_t *name; /* UTF-16LE incl. the NUL terminator */
	size_t name_bytes;
	const uint8_t *data;
	size_t data_bytes;
};

struct vmgs_nvram {
	uint8_t *blob; /* private copy the vars point into */
	struct vmgs_nvram_var *vars;
	size_t count;
};

/* VMGS_E_BAD_NVRAM for any malformed record; nothing is read past len. */
enum vmgs_err vmgs_nvram_parse(const uint8_t *blob, size_t len,
			       struct vmgs_nvram *out);
enum vmgs_err vmgs_nvram_serialize(const struct vmgs_nvram *n, uint8_t **out,
				   size_t *len);
/* Index of the variable, or -1. name is ASCII. */
long vmgs_nvram_find(const struct vmgs_nvram *n, const uint8_t vendor[16],
		     const char *name);
void vmgs_nvram_remove(struct vmgs_nvram *n, size_t idx);
void vmgs_nvram_free(struct vmgs_nvram *n);

/* ASCII rendering of a UTF-16LE name (non-ASCII as '?'), NUL-terminated. */
void vmgs_nvram_name(const struct vmgs_nvram_var *v, char *buf, size_t size);
/* "8be4df61-93ca-11d2-aa0d-00e098032b8c" <-> Windows-layout bytes. */
void vmgs_guid_format(const uint8_t g[16], char out[37]);
enum vmgs_err vmgs_guid_parse(const char *s, uint8_t g[16]);
extern const uint8_t vmgs_efi_global_guid[16];
/* EFI_IMAGE_SECURITY_DATABASE_GUID (db, dbx) and signature types. */
extern const uint8_t vmgs_efi_imagesec_guid[16];
extern const uint8_t vmgs_efi_cert_sha256_guid[16];
extern const uint8_t vmgs_efi_cert_x509_guid[16];

/* One entry of an EFI_SIGNATURE_LIST (db, dbx, KEK, PK values). */
struct vmgs_sig {
	const uint8_t *type; /* list's SignatureType GUID */
	const uint8_t *owner; /* SignatureOwner GUID */
	const uint8_t *data;
	size_t len;
};

/*
 * Calls cb for every signature in a packed series of signature lists.
 * VMGS_E_BAD_NVRAM if any list header or size is inconsistent; nothing is
 * read past len.
 */
enum vmgs_err vmgs_siglist_walk(const uint8_t *data, size_t len,
				void (*cb)(void *arg, const struct vmgs_sig *s),
				void *arg);

#endif
