/* SPDX-License-Identifier: MIT */
/* mantle-verify command-line plumbing shared by the subcommands. */
#ifndef MV_CLI_H
#define MV_CLI_H

#include <openssl/evp.h>
#include <stddef.h>
#include <stdint.h>

#include "mv_result.h"

struct cli_opt {
	const char *name; /* without the leading "--" */
	const char **value;
	int required;
};

/*
 * Parses "--name value" / "--name=value" pairs. Returns 0, or -1 after
 * printing a usage error (exit code 2).
 */
int cli_parse(const char *cmd, int argc, char **argv, struct cli_opt *opts);

/* Reads a file and decodes it when it is hex text. 0 or -1 (reason in r). */
int cli_load(struct mv_result *r, const char *what, const char *path,
	     uint8_t **buf, size_t *len);

/* Time for certificate validity: --at if given, else now. -1 if bad. */
int cli_time(struct mv_result *r, const char *at, int64_t *t);

/*
 * Reads a PEM private key (priv) or public key from path; NULL on any error,
 * with OpenSSL's error queue cleared.
 */
EVP_PKEY *cli_load_pem_key(const char *path, int priv);

/* Prints r as JSON on stdout and returns the exit code. */
int cli_finish(struct mv_result *r);

int cmd_snp(int argc, char **argv);
int cmd_tdx(int argc, char **argv);
int cmd_tpm(int argc, char **argv);
int cmd_eventlog(int argc, char **argv);
int cmd_hcl(int argc, char **argv);
int cmd_evidence(int argc, char **argv);
int cmd_pubkey(int argc, char **argv);

#endif
