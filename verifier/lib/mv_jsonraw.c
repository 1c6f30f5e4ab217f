// SPDX-License-Identifier: MIT
/* A bounded scanner over JSON text that finds a top-level member's span. */
#include "mv_jsonraw.h"

#include <string.h>

static size_t skip_ws(const char *s, size_t n, size_t i)
{
	while (i < n &&
	       (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r'))
		i++;
	return i;
}

/* i at the opening quote; returns the index after the closing quote or 0. */
static size_t skip_string(const char *s, size_t n, size_t i)
{
	for (i++; i < n; i++) {
		if (s[i] == '\\')
			i++;
		else if (s[i] == '"')
			return i + 1;
	}
	return 0;
}

/* Returns the index after one value starting at i, or 0. Depth-limited. */
static size_t skip_value(const char *s, size_t n, size_t i)
{
	unsigned int depth = 0;

	if (i >= n)
		return 0;
	do {
		if (i >= n)
			return 0;
		if (s[i] == '"') {
			i = skip_string(s, n, i);
			if (!i)
				return 0;
			continue;
		}
		if (s[i] == '{' || s[i] == '[') {
			if (++depth > 64)
				return 0;
		} else if (s[i] == '}' || s[i] == ']') {
			if (depth == 0)
				return i; /* end of an enclosing container */
			depth--;
		} else if (depth == 0 && (s[i] == ',')) {
			return i;
		}
		i++;
	} while (depth > 0 ||
		 (i < n && s[i] != ',' && s[i] != '}' && s[i] != ']'));
	return i;
}

int mv_json_raw_member(const char *s, size_t n, const char *key,
		       const char **start, size_t *len)
{
	size_t klen = strlen(key), i = skip_ws(s, n, 0), kstart, kend;
	size_t vstart, vend;

	if (i >= n || s[i] != '{')
		return -1;
	i = skip_ws(s, n, i + 1);
	while (i < n && s[i] == '"') {
		kstart = i + 1;
		kend = skip_string(s, n, i); /* after the closing quote */
		if (!kend)
			return -1;
		i = skip_ws(s, n, kend);
		if (i >= n || s[i] != ':')
			return -1;
		vstart = skip_ws(s, n, i + 1);
		vend = skip_value(s, n, vstart);
		if (!vend || vend == vstart)
			return -1;
		i = vend;
		while (vend > vstart &&
		       (s[vend - 1] == ' ' || s[vend - 1] == '\n' ||
			s[vend - 1] == '\r' || s[vend - 1] == '\t'))
			vend--;
		if (kend - 1 - kstart == klen &&
		    !memcmp(s + kstart, key, klen)) {
			*start = s + vstart;
			*len = vend - vstart;
			return 0;
		}
		if (i < n && s[i] == ',')
			i = skip_ws(s, n, i + 1);
		else
			break;
	}
	return -1;
}
