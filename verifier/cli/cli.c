// SPDX-License-Identifier: MIT
/* Option parsing, input loading and output for mantle-verify. */
#include "cli.h"
#include "mv_util.h"

#include <errno.h>
#include <openssl/bio.h>
#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int cli_parse(const char *cmd, int argc, char **argv, struct cli_opt *opts)
{
	struct cli_opt *o;
	int i;

	for (i = 0; i < argc; i++) {
		const char *a = argv[i], *eq, *val;
		size_t n;

		if (strncmp(a, "--", 2)) {
			fprintf(stderr,
				"mantle-verify %s: unexpected argument "
				"'%s' (see --help)\n",
				cmd, a);
			return -1;
		}
		a += 2;
		eq = strchr(a, '=');
		n = eq ? (size_t)(eq - a) : strlen(a);
		for (o = opts; o->name; o++)
			if (strlen(o->name) == n && !strncmp(o->name, a, n))
				break;
		if (!o->name) {
			fprintf(stderr,
				"mantle-verify %s: unknown option "
				"'--%.*s' (see --help)\n",
				cmd, (int)n, a);
			return -1;
		}
		if (eq) {
			val = eq + 1;
		} else if (i + 1 < argc) {
			val = argv[++i];
		} else {
			fprintf(stderr,
				"mantle-verify %s: --%s needs a value\n", cmd,
				o->name);
			return -1;
		}
		if (*o->value) {
			fprintf(stderr, "mantle-verify %s: --%s given twice\n",
				cmd, o->name);
			return -1;
		}
		*o->value = val;
	}
	for (o = opts; o->name; o++) {
		if (o->required && !*o->value) {
			fprintf(stderr,
				"mantle-verify %s: --%s is required "
				"(see --help)\n",
				cmd, o->name);
			return -1;
		}
	}
	return 0;
}

int cli_load(struct mv_result *r, const char *what, const char *path,
	     uint8_t **buf, size_t *len)
{
	if (mv_read_file(path, buf, len)) {
		mv_fail(r, MV_BADINPUT, "cannot read %s '%s': %s", what, path,
			strerror(errno));
		return -1;
	}
	mv_maybe_unhex(*buf, len);
	return 0;
}

int cli_time(struct mv_result *r, const char *at, int64_t *t)
{
	if (!at) {
		*t = (int64_t)time(NULL);
		json_object_set_new(r->root, "time_source", json_string("now"));
	} else if (mv_parse_time(at, t)) {
		mv_fail(r, MV_BADINPUT,
			"--at '%s' is not RFC 3339 (2025-06-01T00:00:00Z)", at);
		return -1;
	} else {
		json_object_set_new(r->root, "time_source",
				    json_string("--at"));
	}
	json_object_set_new(r->root, "time", json_integer(*t));
	return 0;
}

int cli_finish(struct mv_result *r)
{
	int rc = mv_result_finish(r);

	json_dumpf(r->root, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	fputc('\n', stdout);
	mv_result_free(r);
	return rc;
}

EVP_PKEY *cli_load_pem_key(const char *path, int priv)
{
	uint8_t *buf;
	size_t len;
	BIO *bio;
	EVP_PKEY *key;

	if (mv_read_file(path, &buf, &len))
		return NULL;
	bio = BIO_new_mem_buf(buf, (int)len);
	if (!bio)
		key = NULL;
	else if (priv)
		key = PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL);
	else
		key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
	BIO_free(bio);
	/* A private key's PEM text is a secret too. */
	OPENSSL_cleanse(buf, len);
	free(buf);
	ERR_clear_error();
	return key;
}
