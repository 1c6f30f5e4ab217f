// SPDX-License-Identifier: MIT
/* Names of errors and file ids. */
#include <errno.h>
#include <stdlib.h>
#include <strings.h>

#include "vmgs/vmgs.h"

static const struct {
	const char *name;
	const char *text;
} errs[VMGS_E_COUNT] = {
	[VMGS_OK] = { "ok", "success" },
	[VMGS_E_INVAL] = { "invalid_argument", "invalid argument" },
	[VMGS_E_NOMEM] = { "no_memory", "out of memory" },
	[VMGS_E_IO] = { "io", "I/O error" },
	[VMGS_E_FILE_SIZE] = { "file_size",
			       "impossible file size (truncated, unaligned "
			       "or larger than 4 GiB)" },
	[VMGS_E_NO_FOOTER] = { "no_footer",
			       "no VHD footer (use --raw for a raw image)" },
	[VMGS_E_BAD_FOOTER] = { "bad_footer",
				"VHD footer is invalid (checksum, version, "
				"type or size)" },
	[VMGS_E_EMPTY] = { "empty", "VMGS is empty (never formatted)" },
	[VMGS_E_V1_FORMAT] = { "v1_format", "VMGS v1 (GPT) is not supported" },
	[VMGS_E_BAD_HEADER] = { "bad_header", "no valid VMGS v3 header" },
	[VMGS_E_BAD_SEQUENCE] = { "bad_sequence",
				  "header sequence numbers are not "
				  "consecutive" },
	[VMGS_E_BAD_TABLE] = { "bad_table", "file table entry out of range or "
					    "inconsistent" },
	[VMGS_E_OVERLAP] = { "overlap", "file table entries overlap" },
	[VMGS_E_BAD_FILE_ID] = { "bad_file_id",
				 "file id out of range or reserved" },
	[VMGS_E_NOT_FOUND] = { "not_found", "file is not allocated" },
	[VMGS_E_EXISTS] = { "exists",
			    "file already has data (allow overwrite)" },
	[VMGS_E_NO_SPACE] = { "no_space", "not enough free space in the VMGS" },
	[VMGS_E_TOO_BIG] = { "too_big", "file too large for this VMGS" },
	[VMGS_E_NOT_ENCRYPTED] = { "not_encrypted", "VMGS is not encrypted" },
	[VMGS_E_ENCRYPTED] = { "encrypted", "VMGS is already encrypted" },
	[VMGS_E_LOCKED] = { "locked",
			    "content is encrypted and no key was given" },
	[VMGS_E_WRONG_KEY] = { "wrong_key", "no key slot opens with this key" },
	[VMGS_E_AUTH] = { "auth", "authentication failed: encrypted data was "
				  "modified" },
	[VMGS_E_CRYPTO] = { "crypto", "cryptographic library failure" },
	[VMGS_E_POISONED] = { "poisoned",
			      "an earlier write failed; reopen the file" },
	[VMGS_E_BAD_NVRAM] = { "bad_nvram",
			       "UEFI variable store (BIOS_NVRAM) is "
			       "malformed" },
};

const char *vmgs_strerror(enum vmgs_err err)
{
	return (unsigned)err < VMGS_E_COUNT ? errs[err].text : "unknown error";
}

const char *vmgs_errname(enum vmgs_err err)
{
	return (unsigned)err < VMGS_E_COUNT ? errs[err].name : "unknown";
}

static const char *const fid_names[VMGS_FILE_COUNT] = {
	[0] = "FILE_TABLE",
	[1] = "BIOS_NVRAM",
	[2] = "TPM_PPI",
	[3] = "TPM_NVRAM",
	[4] = "RTC_SKEW",
	[5] = "ATTEST",
	[6] = "KEY_PROTECTOR",
	[7] = "VM_UNIQUE_ID",
	[8] = "GUEST_FIRMWARE",
	[9] = "CUSTOM_UEFI",
	[10] = "GUEST_WATCHDOG",
	[11] = "HW_KEY_PROTECTOR",
	[13] = "GUEST_SECRET_KEY",
	[14] = "HIBERNATION_TOKEN",
	[15] = "PLATFORM_SEED",
	[16] = "PROVENANCE_DOC",
	[17] = "TPM_NVRAM_BACKUP",
	[18] = "PROVISIONING_MARKER",
	[63] = "EXTENDED_FILE_TABLE",
};

const char *vmgs_file_id_name(unsigned id)
{
	return id < VMGS_FILE_COUNT ? fid_names[id] : NULL;
}

enum vmgs_err vmgs_file_id_parse(const char *s, unsigned *id)
{
	char *end;
	unsigned long n;

	if (!s || !*s || !id)
		return VMGS_E_BAD_FILE_ID;
	for (unsigned i = 0; i < VMGS_FILE_COUNT; i++) {
		if (fid_names[i] && strcasecmp(s, fid_names[i]) == 0) {
			*id = i;
			return VMGS_OK;
		}
	}
	if (*s == '-' || *s == '+')
		return VMGS_E_BAD_FILE_ID;
	errno = 0;
	n = strtoul(s, &end, 0);
	if (errno || *end || n >= VMGS_FILE_COUNT)
		return VMGS_E_BAD_FILE_ID;
	*id = (unsigned)n;
	return VMGS_OK;
}
