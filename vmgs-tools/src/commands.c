// SPDX-License-Identifier: MIT
/* The subcommand table: options and man-style help of each command. */
#include <getopt.h>
#include <stddef.h>
#include <string.h>

#include "cli.h"

#define OPT_FILE                                          \
	{                                                 \
		"file-path", required_argument, NULL, 'f' \
	}
#define OPT_KEY                                          \
	{                                                \
		"key-path", required_argument, NULL, 'k' \
	}
#define OPT_ID                                          \
	{                                               \
		"file-id", required_argument, NULL, 'i' \
	}
#define OPT_ALG                                                      \
	{                                                            \
		"encryption-algorithm", required_argument, NULL, 'e' \
	}
#define OPT_OVERWRITE                                             \
	{                                                         \
		"allow-overwrite", no_argument, NULL, O_OVERWRITE \
	}
#define OPT_RAW                                 \
	{                                       \
		"raw", no_argument, NULL, O_RAW \
	}
#define OPT_JSON                                  \
	{                                         \
		"json", no_argument, NULL, O_JSON \
	}
#define OPT_HELP                                  \
	{                                         \
		"help", no_argument, NULL, O_HELP \
	}
#define OPT_END                  \
	{                        \
		NULL, 0, NULL, 0 \
	}

#define COMMON_HELP                                                            \
	"  -f, --file-path PATH   the VMGS file (a fixed VHD1)\n"              \
	"      --raw              the file is a raw VMGS image without a VHD " \
	"footer\n"                                                             \
	"  -h, --help             this help\n"

#define EXIT_HELP                                                           \
	"EXIT STATUS\n"                                                     \
	"  0 success, 1 error, 2 not encrypted, 3 empty VMGS or zero-size " \
	"file,\n"                                                           \
	"  4 file id not allocated, 5 VMGS v1 format, 6 GspById, 7 "        \
	"GspUnknown\n"

static const struct option o_create[] = {
	OPT_FILE,
	{ "file-size", required_argument, NULL, 's' },
	OPT_KEY,
	OPT_ALG,
	{ "force-create", no_argument, NULL, O_FORCE },
	OPT_RAW,
	OPT_HELP,
	OPT_END,
};
static const struct option o_write[] = {
	OPT_FILE,      { "data-path", required_argument, NULL, 'd' },
	OPT_ID,	       OPT_KEY,
	OPT_OVERWRITE, OPT_RAW,
	OPT_HELP,      OPT_END,
};
static const struct option o_dump[] = {
	OPT_FILE,
	{ "data-path", required_argument, NULL, 'd' },
	OPT_ID,
	OPT_KEY,
	{ "raw-stdout", no_argument, NULL, O_RAW_STDOUT },
	OPT_RAW,
	OPT_JSON,
	OPT_HELP,
	OPT_END,
};
static const struct option o_file_json[] = {
	OPT_FILE, OPT_RAW, OPT_JSON, OPT_HELP, OPT_END,
};
static const struct option o_query_size[] = {
	OPT_FILE, OPT_ID, OPT_RAW, OPT_JSON, OPT_HELP, OPT_END,
};
static const struct option o_update_key[] = {
	OPT_FILE, OPT_KEY, { "new-key-path", required_argument, NULL, 'n' },
	OPT_ALG,  OPT_RAW, OPT_HELP,
	OPT_END,
};
static const struct option o_encrypt[] = {
	OPT_FILE, OPT_KEY, OPT_ALG, OPT_RAW, OPT_HELP, OPT_END,
};
static const struct option o_move[] = {
	OPT_FILE,
	{ "src-file-id", required_argument, NULL, O_SRC },
	{ "dst-file-id", required_argument, NULL, O_DST },
	OPT_KEY,
	OPT_OVERWRITE,
	OPT_RAW,
	OPT_HELP,
	OPT_END,
};
static const struct option o_delete[] = {
	OPT_FILE, OPT_ID, OPT_KEY, OPT_RAW, OPT_HELP, OPT_END,
};
static const struct option o_key_json[] = {
	OPT_FILE, OPT_KEY, OPT_RAW, OPT_JSON, OPT_HELP, OPT_END,
};
static const struct option o_nvram_dump[] = {
	OPT_FILE,
	OPT_KEY,
	{ "output-path", required_argument, NULL, 'o' },
	{ "truncate", no_argument, NULL, 't' },
	OPT_RAW,
	OPT_JSON,
	OPT_HELP,
	OPT_END,
};
static const struct option o_nvram_rbe[] = {
	OPT_FILE, OPT_KEY,  { "dry-run", no_argument, NULL, 'n' },
	OPT_RAW,  OPT_HELP, OPT_END,
};
static const struct option o_nvram_re[] = {
	OPT_FILE,
	OPT_KEY,
	{ "name", required_argument, NULL, 'n' },
	{ "vendor", required_argument, NULL, 'v' },
	OPT_RAW,
	OPT_HELP,
	OPT_END,
};

const char *const main_help =
	"NAME\n"
	"  vmgstool - inspect and repair VMGS v3 guest-state files offline\n"
	"\n"
	"SYNOPSIS\n"
	"  vmgstool [-v|--verbose] COMMAND [OPTIONS]\n"
	"  vmgstool COMMAND --help\n"
	"\n"
	"DESCRIPTION\n"
	"  A VMGS file holds a VM's persistent guest state (UEFI variables,\n"
	"  vTPM state, key protectors) as up to 62 files addressed by id,\n"
	"  inside a fixed VHD1 container. Files may be AES-256-GCM encrypted\n"
	"  under a 32-byte datastore key. Every change is atomic: a crash "
	"leaves\n"
	"  either the old or the new contents.\n"
	"\n"
	"COMMANDS\n"
	"  create               create and format a VMGS file\n"
	"  write                write a file into the VMGS\n"
	"  dump                 read a file out of the VMGS\n"
	"  dump-headers         show both headers and which one is active\n"
	"  query-size           print the size of a file (just the number)\n"
	"  update-key           replace the datastore key (key roll)\n"
	"  encrypt              encrypt an unencrypted VMGS with a first key\n"
	"  query-encryption     report the encryption scheme (exit code)\n"
	"  move                 move a file to another id (tables only)\n"
	"  delete               delete a file\n"
	"  dump-file-table      list the file table\n"
	"  check                full integrity check (headers, table, tags)\n"
	"  uefi-nvram dump      list the UEFI variables in BIOS_NVRAM\n"
	"  uefi-nvram remove-boot-entries\n"
	"                       delete BootOrder and the Boot#### it lists\n"
	"  uefi-nvram remove-entry\n"
	"                       delete one UEFI variable\n"
	"\n"
	"FILE IDS\n"
	"  --file-id takes a number (0-63) or a name: FILE_TABLE, BIOS_NVRAM,\n"
	"  TPM_PPI, TPM_NVRAM, RTC_SKEW, ATTEST, KEY_PROTECTOR, VM_UNIQUE_ID,\n"
	"  GUEST_FIRMWARE, CUSTOM_UEFI, GUEST_WATCHDOG, HW_KEY_PROTECTOR,\n"
	"  GUEST_SECRET_KEY, HIBERNATION_TOKEN, PLATFORM_SEED, "
	"PROVENANCE_DOC,\n"
	"  TPM_NVRAM_BACKUP, PROVISIONING_MARKER, EXTENDED_FILE_TABLE.\n"
	"\n"
	"OUTPUT\n"
	"  Inspection commands take --json for machine-readable output. "
	"Other\n"
	"  text output is for people; scripts should use the exit status.\n"
	"\n" EXIT_HELP;

const struct command commands[] = {
	{ "create", cmd_create,
	  "NAME\n  vmgstool create - create and format a VMGS file\n\n"
	  "SYNOPSIS\n  vmgstool create -f PATH [-s BYTES] [-k KEY -e AES_GCM] "
	  "[--force-create] [--raw]\n\n"
	  "DESCRIPTION\n  Makes a fixed VHD1 of BYTES of VMGS data plus a "
	  "512-byte footer and\n  formats VMGS v3 in it. With a key, the "
	  "VMGS is encrypted at once.\n\n"
	  "OPTIONS\n" COMMON_HELP
	  "  -s, --file-size BYTES  VMGS capacity, multiple of 512, at "
	  "least 16384\n"
	  "                         (default 4194304: a 4194816-byte file)\n"
	  "  -k, --key-path PATH    32-byte datastore key (needs -e)\n"
	  "  -e, --encryption-algorithm AES_GCM\n"
	  "      --force-create     replace an existing file\n\n" EXIT_HELP,
	  "f:s:k:e:h", o_create, "f" },
	{ "write", cmd_write,
	  "NAME\n  vmgstool write - write a file into the VMGS\n\n"
	  "SYNOPSIS\n  vmgstool write -f PATH -d DATA -i ID [-k KEY] "
	  "[--allow-overwrite]\n\n"
	  "DESCRIPTION\n  Stores the contents of DATA as file ID. With a key "
	  "(and an encrypted\n  VMGS) the file is encrypted with a fresh "
	  "random key and nonce; without\n  one it is stored in plaintext.\n\n"
	  "OPTIONS\n" COMMON_HELP "  -d, --data-path PATH   the data to store\n"
	  "  -i, --file-id ID       number or name\n"
	  "  -k, --key-path PATH    32-byte datastore key\n"
	  "      --allow-overwrite  replace a file that already has data\n"
	  "\n" EXIT_HELP,
	  "f:d:i:k:h", o_write, "fdi" },
	{ "dump", cmd_dump,
	  "NAME\n  vmgstool dump - read a file out of the VMGS\n\n"
	  "SYNOPSIS\n  vmgstool dump -f PATH -i ID [-d OUT] [-k KEY] "
	  "[--raw-stdout] [--json]\n\n"
	  "DESCRIPTION\n  Writes file ID to OUT, or to standard output as hex "
	  "lines with an ASCII\n  column. Without the key an encrypted file "
	  "is dumped as stored (ciphertext).\n  With the key, a file whose "
	  "tag does not authenticate is an error.\n\n"
	  "OPTIONS\n" COMMON_HELP "  -i, --file-id ID       number or name\n"
	  "  -d, --data-path PATH   write the data here\n"
	  "  -k, --key-path PATH    32-byte datastore key\n"
	  "      --raw-stdout       write the bytes, not hex, to stdout\n"
	  "      --json             {file_id, size, encrypted, data_hex}\n"
	  "\n" EXIT_HELP,
	  "f:d:i:k:h", o_dump, "fi" },
	{ "dump-headers", cmd_dump_headers,
	  "NAME\n  vmgstool dump-headers - show both VMGS headers\n\n"
	  "SYNOPSIS\n  vmgstool dump-headers -f PATH [--json]\n\n"
	  "DESCRIPTION\n  Prints each header's fields, whether it is valid, "
	  "and which one the\n  sequence rule makes active.\n\n"
	  "OPTIONS\n" COMMON_HELP
	  "      --json             JSON output\n\n" EXIT_HELP,
	  "f:h", o_file_json, "f" },
	{ "query-size", cmd_query_size,
	  "NAME\n  vmgstool query-size - print the size of a file\n\n"
	  "SYNOPSIS\n  vmgstool query-size -f PATH -i ID [--json]\n\n"
	  "DESCRIPTION\n  Prints only the file's size in bytes (its valid "
	  "data size). Exit\n  status 4 if the id is not allocated.\n\n"
	  "OPTIONS\n" COMMON_HELP "  -i, --file-id ID       number or name\n"
	  "      --json             {file_id, size}\n\n" EXIT_HELP,
	  "f:i:h", o_query_size, "fi" },
	{ "update-key", cmd_update_key,
	  "NAME\n  vmgstool update-key - replace the datastore key\n\n"
	  "SYNOPSIS\n  vmgstool update-key -f PATH -k OLD -n NEW "
	  "[-e AES_GCM]\n\n"
	  "DESCRIPTION\n  Unlocks with OLD, then in one atomic update wraps a "
	  "new metadata key\n  with NEW into the other key slot and clears "
	  "the old slot. Afterwards\n  OLD no longer opens the file. Contents "
	  "are kept.\n\n"
	  "OPTIONS\n" COMMON_HELP "  -k, --key-path PATH    current key\n"
	  "  -n, --new-key-path PATH new key (32 bytes)\n"
	  "  -e, --encryption-algorithm AES_GCM\n\n" EXIT_HELP,
	  "f:k:n:e:h", o_update_key, "fkn" },
	{ "encrypt", cmd_encrypt,
	  "NAME\n  vmgstool encrypt - encrypt a VMGS with a first key\n\n"
	  "SYNOPSIS\n  vmgstool encrypt -f PATH -k KEY [-e AES_GCM]\n\n"
	  "DESCRIPTION\n  Turns on encryption: a random metadata key is "
	  "wrapped with KEY into\n  key slot 0 and the extended file table "
	  "is written. Existing files stay\n  plaintext until rewritten with "
	  "the key.\n\n"
	  "OPTIONS\n" COMMON_HELP "  -k, --key-path PATH    32-byte key\n"
	  "  -e, --encryption-algorithm AES_GCM\n\n" EXIT_HELP,
	  "f:k:e:h", o_encrypt, "fk" },
	{ "query-encryption", cmd_query_encryption,
	  "NAME\n  vmgstool query-encryption - report the encryption "
	  "scheme\n\n"
	  "SYNOPSIS\n  vmgstool query-encryption -f PATH [--json]\n\n"
	  "DESCRIPTION\n  Exit 2: not encrypted; 0: GspKey (KEY_PROTECTOR "
	  "present); 6: GspById\n  (VM_UNIQUE_ID present); 7: encrypted, "
	  "scheme unknown.\n\n"
	  "OPTIONS\n" COMMON_HELP
	  "      --json             JSON output\n\n" EXIT_HELP,
	  "f:h", o_file_json, "f" },
	{ "move", cmd_move,
	  "NAME\n  vmgstool move - move a file to another id\n\n"
	  "SYNOPSIS\n  vmgstool move -f PATH --src-file-id ID --dst-file-id ID "
	  "[-k KEY]\n                [--allow-overwrite]\n\n"
	  "DESCRIPTION\n  Rewrites only the tables; the data stays in place. "
	  "An encrypted VMGS\n  needs the key (the per-file key moves with the "
	  "entry).\n\n"
	  "OPTIONS\n" COMMON_HELP "      --src-file-id ID   source\n"
	  "      --dst-file-id ID   destination\n"
	  "  -k, --key-path PATH    32-byte datastore key\n"
	  "      --allow-overwrite  replace a destination that has data\n\n" EXIT_HELP,
	  "f:k:h", o_move, "fSD" },
	{ "delete", cmd_delete,
	  "NAME\n  vmgstool delete - delete a file\n\n"
	  "SYNOPSIS\n  vmgstool delete -f PATH -i ID [-k KEY]\n\n"
	  "DESCRIPTION\n  Frees the entry. With the key the extended file "
	  "table is updated too.\n\n"
	  "OPTIONS\n" COMMON_HELP "  -i, --file-id ID       number or name\n"
	  "  -k, --key-path PATH    32-byte datastore key\n\n" EXIT_HELP,
	  "f:i:k:h", o_delete, "fi" },
	{ "dump-file-table", cmd_dump_file_table,
	  "NAME\n  vmgstool dump-file-table - list the file table\n\n"
	  "SYNOPSIS\n  vmgstool dump-file-table -f PATH [-k KEY] [--json]\n\n"
	  "DESCRIPTION\n  One line per allocated id: name, block offset, "
	  "allocated and valid\n  bytes, encrypted. With the key, attributes "
	  "come from the authenticated\n  extended file table.\n\n"
	  "OPTIONS\n" COMMON_HELP
	  "  -k, --key-path PATH    32-byte datastore key\n"
	  "      --json             JSON output\n\n" EXIT_HELP,
	  "f:k:h", o_key_json, "f" },
	{ "check", cmd_check,
	  "NAME\n  vmgstool check - full integrity check\n\n"
	  "SYNOPSIS\n  vmgstool check -f PATH [-k KEY] [--json]\n\n"
	  "DESCRIPTION\n  Checks the VHD footer, both headers (signature, "
	  "version, sizes, CRC),\n  the sequence rule, every table entry's "
	  "bounds, overlaps between entries,\n  the key slots and, with the "
	  "key, the GCM tag of the extended file table\n  and of every "
	  "encrypted file. Reports every problem it finds, one per\n  line, "
	  "and exits with the status of the first error (0 if clean).\n\n"
	  "OPTIONS\n" COMMON_HELP
	  "  -k, --key-path PATH    32-byte datastore key (verifies tags)\n"
	  "      --json             {ok, errors, warnings, problems[]}\n\n" EXIT_HELP,
	  "f:k:h", o_key_json, "f" },
	{ "uefi-nvram dump", cmd_nvram_dump,
	  "NAME\n  vmgstool uefi-nvram dump - list UEFI variables\n\n"
	  "SYNOPSIS\n  vmgstool uefi-nvram dump -f PATH [-k KEY] [-o OUT] "
	  "[-t] [--json]\n\n"
	  "DESCRIPTION\n  Parses BIOS_NVRAM (file 1) and prints every "
	  "variable: vendor GUID,\n  name, attributes, size and data; "
	  "BootOrder and Boot#### are decoded.\n\n"
	  "OPTIONS\n" COMMON_HELP
	  "  -k, --key-path PATH    32-byte datastore key\n"
	  "  -o, --output-path PATH write the listing here\n"
	  "  -t, --truncate         show at most 64 bytes of each value\n"
	  "      --json             JSON output\n\n" EXIT_HELP,
	  "f:k:o:th", o_nvram_dump, "f" },
	{ "uefi-nvram remove-boot-entries", cmd_nvram_remove_boot_entries,
	  "NAME\n  vmgstool uefi-nvram remove-boot-entries - delete boot "
	  "entries\n\n"
	  "SYNOPSIS\n  vmgstool uefi-nvram remove-boot-entries -f PATH "
	  "[-k KEY] [-n]\n\n"
	  "DESCRIPTION\n  Deletes BootOrder and every Boot#### it lists, in "
	  "one atomic update.\n\n"
	  "OPTIONS\n" COMMON_HELP
	  "  -k, --key-path PATH    32-byte datastore key\n"
	  "  -n, --dry-run          only print what would be removed\n\n" EXIT_HELP,
	  "f:k:nh", o_nvram_rbe, "f" },
	{ "uefi-nvram remove-entry", cmd_nvram_remove_entry,
	  "NAME\n  vmgstool uefi-nvram remove-entry - delete one UEFI "
	  "variable\n\n"
	  "SYNOPSIS\n  vmgstool uefi-nvram remove-entry -f PATH [-k KEY] "
	  "-n NAME -v GUID\n\n"
	  "OPTIONS\n" COMMON_HELP
	  "  -k, --key-path PATH    32-byte datastore key\n"
	  "  -n, --name NAME        variable name\n"
	  "  -v, --vendor GUID      vendor GUID, "
	  "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx\n\n" EXIT_HELP,
	  "f:k:n:v:h", o_nvram_re, "fn" },
	{ NULL, NULL, NULL, NULL, NULL, NULL },
};

const struct command *find_command(const char *name)
{
	for (const struct command *c = commands; c->name; c++)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}
