// SPDX-License-Identifier: MIT
/* Building the JSON verdict document. */
#include "mv_result.h"
#include "mv_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

int mv_result_init(struct mv_result *r, const char *kind)
{
	r->root = json_object();
	r->checks = json_array();
	r->reasons = json_array();
	r->warnings = json_array();
	r->certs = json_array();
	r->status = MV_OK;
	if (!r->root || !r->checks || !r->reasons || !r->warnings ||
	    !r->certs) {
		json_decref(r->root);
		json_decref(r->checks);
		json_decref(r->reasons);
		json_decref(r->warnings);
		json_decref(r->certs);
		r->root = NULL;
		return -1;
	}
	json_object_set_new(r->root, "kind", json_string(kind));
	json_object_set_new(r->root, "simulated", json_false());
	json_object_set_new(r->root, "certificates", r->certs);
	json_object_set_new(r->root, "checks", r->checks);
	json_object_set_new(r->root, "warnings", r->warnings);
	json_object_set_new(r->root, "reasons", r->reasons);
	return 0;
}

void mv_result_free(struct mv_result *r)
{
	json_decref(r->root);
	r->root = NULL;
}

static void append(json_t *arr, const char *fmt, va_list ap)
{
	char buf[512];

	vsnprintf(buf, sizeof(buf), fmt, ap);
	json_array_append_new(arr, json_string(buf));
}

void mv_fail(struct mv_result *r, int status, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append(r->reasons, fmt, ap);
	va_end(ap);
	if (status > r->status)
		r->status = status;
}

void mv_pass(struct mv_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append(r->checks, fmt, ap);
	va_end(ap);
}

void mv_warn(struct mv_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	append(r->warnings, fmt, ap);
	va_end(ap);
}

void mv_json_hex(json_t *obj, const char *key, const uint8_t *p, size_t len)
{
	char *s = mv_hex(p, len);

	if (s)
		json_object_set_new(obj, key, json_string(s));
	free(s);
}

int mv_result_finish(struct mv_result *r)
{
	static const char *const names[] = { "verified", "not verified",
					     "bad input" };

	json_object_set_new(r->root, "verified", json_boolean(r->status == 0));
	json_object_set_new(r->root, "status", json_string(names[r->status]));
	return r->status;
}
