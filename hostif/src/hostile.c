// SPDX-License-Identifier: MIT
/*
 * Hostile-host fault plan (host side). The generator is splitmix64: small,
 * seeded and the same on every platform, so a SPEC reproduces a run.
 */
#include <stdio.h>
#include <string.h>

#include "hostif_hostile.h"

const char hostif_hostile_usage[] =
	"SPEC is a comma-separated list of KEY=VALUE (each key at most once):\n"
	"  seed=N          generator seed (decimal or 0x hex, default 1)\n"
	"  ctl-corrupt=P   flip one bit of a control frame\n"
	"  ctl-truncate=P  send only a prefix of a frame\n"
	"  ctl-replay=P    resend an earlier frame after this one\n"
	"  ctl-reorder=P   hold a frame back until after the next one\n"
	"  ctl-withhold=P  never send a frame (the request times out)\n"
	"  vmgs-short=P    VMGS read returns fewer sectors than asked; write\n"
	"                  stores fewer and says so\n"
	"  vmgs-torn=P     VMGS read tail zeroed; write stores a prefix and\n"
	"                  its reply is withheld (as a host crash would)\n"
	"  vmgs-bitflip=P  flip one bit of VMGS read data\n"
	"  pipe-replay=P   send a pipe data frame twice, the second time as\n"
	"                  a fresh frame (the paravisor must end that pipe)\n"
	"  sp-corrupt=P    flip a byte of a relayed secure-processor response\n"
	"                  inside an otherwise valid frame\n"
	"  sp-replay=P     answer a secure-processor message with an earlier\n"
	"                  response (from the second message on)\n"
	"  sp-withhold=P   relay a secure-processor message but never answer\n"
	"  storm=COUNT     send COUNT events after each HELLO and again once the\n"
	"                  guest is running (max 1000000)\n"
	"  vmgs-kill=N     the host process kills itself (SIGKILL) when VMGS\n"
	"                  write number N (from 1) arrives, storing none of it\n"
	"                  (a host crash at a chosen point of an update)\n"
	"P is a probability per frame or request: 0, 1 or 0.D with up to 6\n"
	"decimals. Example: seed=7,ctl-corrupt=0.05,vmgs-bitflip=0.01,storm=5000\n";

static const char *const names[HOSTIF_FAULT_COUNT] = {
	[HOSTIF_FAULT_CTL_CORRUPT] = "ctl-corrupt",
	[HOSTIF_FAULT_CTL_TRUNCATE] = "ctl-truncate",
	[HOSTIF_FAULT_CTL_REPLAY] = "ctl-replay",
	[HOSTIF_FAULT_CTL_REORDER] = "ctl-reorder",
	[HOSTIF_FAULT_CTL_WITHHOLD] = "ctl-withhold",
	[HOSTIF_FAULT_VMGS_SHORT] = "vmgs-short",
	[HOSTIF_FAULT_VMGS_TORN] = "vmgs-torn",
	[HOSTIF_FAULT_VMGS_BITFLIP] = "vmgs-bitflip",
	[HOSTIF_FAULT_PIPE_REPLAY] = "pipe-replay",
	[HOSTIF_FAULT_SP_CORRUPT] = "sp-corrupt",
	[HOSTIF_FAULT_SP_REPLAY] = "sp-replay",
	[HOSTIF_FAULT_SP_WITHHOLD] = "sp-withhold",
};

const char *hostif_hostile_name(enum hostif_fault f)
{
	return (unsigned)f < HOSTIF_FAULT_COUNT ? names[f] : "?";
}

static uint64_t next(struct hostif_hostile *h)
{
	uint64_t z = (h->rng += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

uint64_t hostif_hostile_rand(struct hostif_hostile *h, uint64_t bound)
{
	return bound ? next(h) % bound : 0;
}

bool hostif_hostile_roll(struct hostif_hostile *h, enum hostif_fault f)
{
	if (!h || (unsigned)f >= HOSTIF_FAULT_COUNT || !h->ppm[f])
		return false;
	if (next(h) % HOSTIF_PPM >= h->ppm[f])
		return false;
	h->injected[f]++;
	return true;
}

/* "0", "1", "0.D{1,6}", "1.0{1,6}" -> parts per million. */
static int parse_prob(const char *s, size_t n, uint32_t *ppm)
{
	uint32_t frac = 0, scale = 100000;
	size_t i = 2;

	if (n == 1 && (s[0] == '0' || s[0] == '1')) {
		*ppm = s[0] == '1' ? HOSTIF_PPM : 0;
		return 0;
	}
	if (n < 3 || n > 8 || (s[0] != '0' && s[0] != '1') || s[1] != '.')
		return -1;
	for (; i < n; i++, scale /= 10) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		frac += (uint32_t)(s[i] - '0') * scale;
	}
	if (s[0] == '1' && frac)
		return -1;
	*ppm = s[0] == '1' ? HOSTIF_PPM : frac;
	return 0;
}

/* Decimal or 0x hex, no sign, no overflow. */
static int parse_u64(const char *s, size_t n, uint64_t max, uint64_t *out)
{
	unsigned base = 10;
	uint64_t v = 0;
	size_t i = 0;

	if (n > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i == n)
		return -1;
	for (; i < n; i++) {
		unsigned d;

		if (s[i] >= '0' && s[i] <= '9')
			d = (unsigned)(s[i] - '0');
		else if (base == 16 && s[i] >= 'a' && s[i] <= 'f')
			d = (unsigned)(s[i] - 'a' + 10);
		else if (base == 16 && s[i] >= 'A' && s[i] <= 'F')
			d = (unsigned)(s[i] - 'A' + 10);
		else
			return -1;
		if (v > (max - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int fail(char *err, size_t errlen, const char *what, const char *s,
		size_t n)
{
	if (err && errlen)
		snprintf(err, errlen, "hostile spec: %s: '%.*s'", what,
			 (int)(n > 64 ? 64 : n), s);
	return -1;
}

int hostif_hostile_parse(const char *spec, struct hostif_hostile *h, char *err,
			 size_t errlen)
{
	unsigned seen = 0; /* bit per fault, then seed, storm, vmgs-kill */
	const char *p = spec;

	if (!spec || !h)
		return fail(err, errlen, "missing", "", 0);
	memset(h, 0, sizeof(*h));
	h->seed = 1;
	if (!*spec)
		return fail(err, errlen, "empty", "", 0);
	for (;;) {
		const char *end = strchr(p, ','), *eq;
		size_t n = end ? (size_t)(end - p) : strlen(p), klen;
		unsigned bit;
		int k = -1;

		eq = memchr(p, '=', n);
		if (!eq || eq == p || eq + 1 == p + n)
			return fail(err, errlen, "expected KEY=VALUE", p, n);
		klen = (size_t)(eq - p);
		for (int i = 0; i < HOSTIF_FAULT_COUNT; i++)
			if (strlen(names[i]) == klen &&
			    !memcmp(p, names[i], klen))
				k = i;
		if (k < 0 && klen == 4 && !memcmp(p, "seed", 4))
			k = HOSTIF_FAULT_COUNT;
		if (k < 0 && klen == 5 && !memcmp(p, "storm", 5))
			k = HOSTIF_FAULT_COUNT + 1;
		if (k < 0 && klen == 9 && !memcmp(p, "vmgs-kill", 9))
			k = HOSTIF_FAULT_COUNT + 2;
		if (k < 0)
			return fail(err, errlen, "unknown key", p, klen);
		bit = 1u << k;
		if (seen & bit)
			return fail(err, errlen, "key given twice", p, klen);
		seen |= bit;
		eq++;
		n -= klen + 1;
		if (k < HOSTIF_FAULT_COUNT) {
			if (parse_prob(eq, n, &h->ppm[k]))
				return fail(err, errlen,
					    "probability must be 0..1 with at "
					    "most 6 decimals",
					    eq, n);
		} else if (k == HOSTIF_FAULT_COUNT) {
			if (parse_u64(eq, n, UINT64_MAX, &h->seed))
				return fail(err, errlen, "bad seed", eq, n);
		} else if (k == HOSTIF_FAULT_COUNT + 1) {
			uint64_t v;

			if (parse_u64(eq, n, HOSTIF_STORM_MAX, &v))
				return fail(err, errlen,
					    "storm must be 0..1000000", eq, n);
			h->storm = (uint32_t)v;
		} else if (parse_u64(eq, n, UINT64_MAX, &h->vmgs_kill)) {
			return fail(err, errlen, "bad vmgs-kill write number",
				    eq, n);
		}
		if (!end)
			break;
		p = end + 1;
	}
	h->rng = h->seed;
	return 0;
}
