/* SPDX-License-Identifier: MIT */
/*
 * The outcome of one verification: a JSON document with the decoded fields,
 * the checks that passed, the reasons for a failure and appraisal warnings.
 */
#ifndef MV_RESULT_H
#define MV_RESULT_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum mv_status {
	MV_OK = 0, /* verified */
	MV_FAIL = 1, /* content of a signed or bound structure is wrong */
	MV_BADINPUT = 2 /* not the named kind of object, unreadable, usage */
};

struct mv_result {
	json_t *root; /* the whole document; owns the arrays below */
	json_t *checks; /* passed checks (strings) */
	json_t *reasons; /* failures (strings) */
	json_t *warnings; /* appraisal facts that do not change the verdict */
	json_t *certs; /* certificate subjects, leaf first */
	int status;
};

int mv_result_init(struct mv_result *r, const char *kind);
void mv_result_free(struct mv_result *r);

/* Records a failure; the status becomes at least `status`. */
void mv_fail(struct mv_result *r, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void mv_pass(struct mv_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mv_warn(struct mv_result *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets key in obj to lowercase hex of the bytes. */
void mv_json_hex(json_t *obj, const char *key, const uint8_t *p, size_t len);

/* Finishes the document ("verified", "status") and returns the exit code. */
int mv_result_finish(struct mv_result *r);

#endif
