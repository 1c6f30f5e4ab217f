/* SPDX-License-Identifier: MIT */
/* vmgstool internals: parsed options, exit codes and shared helpers. */
#ifndef VMGSTOOL_CLI_H
#define VMGSTOOL_CLI_H

#include <jansson.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "vmgs/vmgs.h"

/* Exit codes, as OpenVMM's vmgstool defines them. */
enum exit_code {
	EXIT_OK = 0,
	EXIT_ERROR = 1,
	EXIT_NOT_ENCRYPTED = 2,
	EXIT_EMPTY = 3,
	EXIT_NOT_FOUND = 4,
	EXIT_V1_FORMAT = 5,
	EXIT_GSP_BY_ID = 6,
	EXIT_GSP_UNKNOWN = 7,
};

/* Long-only options get codes above the byte range. */
enum {
	O_FORCE = 256,
	O_OVERWRITE,
	O_RAW_STDOUT,
	O_SRC,
	O_DST,
	O_RAW,
	O_JSON,
	O_HELP,
};

struct args {
	const char *file, *data, *key, *new_key, *out, *name, *vendor;
	uint64_t size;
	bool size_set;
	unsigned id, src, dst;
	bool id_set, src_set, dst_set;
	bool allow_overwrite, force_create, raw_stdout, raw, json;
	bool truncate, dry_run;
	int alg; /* -1 = not given */
};

extern int verbose;

struct command {
	const char *name;
	int (*run)(const struct args *a);
	const char *help;
	const char *shortopts;
	const struct option *longopts;
	/* Required options, as letters of `shortopts` or 'S'/'D' (src/dst). */
	const char *required;
};

const struct command *find_command(const char *name);
extern const struct command commands[];
extern const char *const main_help;

/* Legacy single-dash syntax: command alias, or NULL; argument rewrite. */
const char *legacy_command(const char *arg);
void legacy_rewrite_args(int argc, char **argv);

int exit_for(enum vmgs_err e);
/* Prints "vmgstool: <what>: <error>" and returns the exit code. */
int fail(const char *what, enum vmgs_err e);
int fail_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Opens a.file (honouring --raw). */
enum vmgs_err open_vmgs(const struct args *a, bool writable, struct vmgs **v);
/* Reads a key file of exactly 32 bytes. */
int load_key(const char *path, uint8_t key[VMGS_KEY_SIZE]);
/* load_key when a path is given; nothing (EXIT_OK) when path is NULL. */
int load_optional_key(const char *path, uint8_t key[VMGS_KEY_SIZE]);
/* Opens and unlocks if a key path is given. */
int open_unlocked(const struct args *a, bool writable, struct vmgs **v);
/* Reads a whole file, refusing more than max bytes. */
int read_file(const char *path, uint64_t max, uint8_t **buf, uint64_t *len);
int write_file(const char *path, const uint8_t *buf, uint64_t len);
int print_json(json_t *j);

struct vmgs_nvram_var;
/* Signature databases in uefi-nvram dump (siglist.c). */
bool is_sig_db(const struct vmgs_nvram_var *v, const char *name);
/* Prints (or, with json, returns) the signatures of a db-style value. */
json_t *print_sig_db(FILE *f, const struct vmgs_nvram_var *v, bool json);

int cmd_create(const struct args *a);
int cmd_write(const struct args *a);
int cmd_dump(const struct args *a);
int cmd_dump_headers(const struct args *a);
int cmd_query_size(const struct args *a);
int cmd_update_key(const struct args *a);
int cmd_encrypt(const struct args *a);
int cmd_query_encryption(const struct args *a);
int cmd_move(const struct args *a);
int cmd_delete(const struct args *a);
int cmd_dump_file_table(const struct args *a);
int cmd_check(const struct args *a);
int cmd_nvram_dump(const struct args *a);
int cmd_nvram_remove_boot_entries(const struct args *a);
int cmd_nvram_remove_entry(const struct args *a);

#endif
