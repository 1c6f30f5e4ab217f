// SPDX-License-Identifier: MIT
/*
 * Appraisal of verified evidence: each claim against the policy into an
 * EAR trustworthiness vector. Vector values follow the AR4SI tiers: 2
 * affirming, 32/33 warning, 96 contraindicated.
 */
#include "appraisal.h"
#include "mv_jose.h"
#include "mv_util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const tier_names[] = { "none", "affirming", "warning",
					  "contraindicated" };

void mv_ap(struct appraisal *a, const char *claim, enum mv_tier tier,
	   const char *tv_key, int tv_val, const char *fmt, ...)
{
	char detail[256];
	va_list va;
	json_t *old;

	va_start(va, fmt);
	vsnprintf(detail, sizeof(detail), fmt, va);
	va_end(va);
	json_object_set_new(a->claims, claim,
			    json_pack("{s:s, s:s}", "status", tier_names[tier],
				      "detail", detail));
	if (tier > a->worst)
		a->worst = tier;
	if (!tv_key)
		return;
	old = json_object_get(a->tv, tv_key);
	if (!old || json_integer_value(old) < tv_val)
		json_object_set_new(a->tv, tv_key, json_integer(tv_val));
}

/* Case-insensitive equality of two hex strings of the same length. */
static int strncasecmp_ascii(const char *a, const char *b)
{
	for (; *a && *b; a++, b++) {
		char x = *a >= 'A' && *a <= 'F' ? (char)(*a + 32) : *a;
		char y = *b >= 'A' && *b <= 'F' ? (char)(*b + 32) : *b;

		if (x != y)
			return 1;
	}
	return *a != *b;
}

static int in_hex_list(const json_t *list, const char *hex)
{
	const json_t *v;
	size_t i;

	json_array_foreach(list, i, v)
	{
		const char *s = json_string_value(v);

		if (s && hex && strlen(s) == strlen(hex) &&
		    !strncasecmp_ascii(s, hex))
			return 1;
	}
	return 0;
}

/* The "debug" claim of SNP and TDX alike; what names the debug bit. */
static void appraise_debug(struct appraisal *a, int debug,
			   const char *forbidden)
{
	if (debug && !a->pol->allow_debug)
		mv_ap(a, "debug", TIER_CONTRA, "configuration", 96,
		      "%s; the policy forbids it", forbidden);
	else
		mv_ap(a, "debug", debug ? TIER_WARNING : TIER_AFFIRMING,
		      "configuration", debug ? 32 : 2, "debug %s",
		      debug ? "allowed (policy permits)" : "disabled");
}

static void appraise_snp(struct appraisal *a, const json_t *rep)
{
	static const char *const comps[] = { "bootloader", "tee", "snp",
					     "microcode", "fmc" };
	const json_t *tcb = json_object_get(rep, "reported_tcb");
	const json_t *vmpl = json_object_get(rep, "vmpl");
	int debug = json_is_true(json_object_get(json_object_get(rep, "policy"),
						 "debug_allowed"));
	size_t i;
	int low = 0;

	appraise_debug(a, debug, "guest policy allows debugging");
	if (a->pol->allowed_vmpls) {
		int ok = 0;
		const json_t *v;

		json_array_foreach(a->pol->allowed_vmpls, i, v) ok |=
			json_integer_value(v) == json_integer_value(vmpl);
		mv_ap(a, "vmpl", ok ? TIER_AFFIRMING : TIER_CONTRA,
		      "configuration", ok ? 2 : 96, "VMPL %lld %s",
		      (long long)json_integer_value(vmpl),
		      ok ? "allowed" : "not allowed by the policy");
	}
	if (a->pol->min_tcb) {
		for (i = 0; i < sizeof(comps) / sizeof(comps[0]); i++) {
			const json_t *m =
				json_object_get(a->pol->min_tcb, comps[i]);
			const json_t *h = json_object_get(tcb, comps[i]);

			if (m && json_integer_value(h) < json_integer_value(m))
				low = 1;
		}
		mv_ap(a, "tcb", low ? TIER_CONTRA : TIER_AFFIRMING, "hardware",
		      low ? 96 : 2, "REPORTED_TCB %s the policy minimum",
		      low ? "is below" : "meets");
	}
	if (json_string_value(json_object_get(
		    json_object_get(rep, "current_tcb"), "raw")) &&
	    strcmp(json_string_value(json_object_get(
			   json_object_get(rep, "current_tcb"), "raw")),
		   json_string_value(json_object_get(
			   json_object_get(rep, "committed_tcb"), "raw"))))
		mv_ap(a, "firmware",
		      a->pol->allow_provisional_firmware ? TIER_AFFIRMING :
							   TIER_WARNING,
		      "hardware", a->pol->allow_provisional_firmware ? 2 : 32,
		      "provisional firmware (CURRENT_TCB != COMMITTED_TCB)");
}

static void appraise_tdx(struct appraisal *a, const json_t *body)
{
	int debug = json_is_true(json_object_get(body, "debug"));
	uint8_t have[16], min[16];
	int i, low = 0;

	appraise_debug(a, debug, "TD attributes allow debugging");
	if (a->pol->min_tee_tcb_svn &&
	    mv_unhex(json_string_value(a->pol->min_tee_tcb_svn), min, 16) ==
		    16 &&
	    mv_unhex(json_string_value(json_object_get(body, "tee_tcb_svn")),
		     have, 16) == 16) {
		for (i = 0; i < 16; i++)
			low |= have[i] < min[i];
		mv_ap(a, "tcb", low ? TIER_CONTRA : TIER_AFFIRMING, "hardware",
		      low ? 96 : 2, "TEE_TCB_SVN %s the policy minimum",
		      low ? "is below" : "meets");
	}
}

void mv_appraise_claims(struct appraisal *a, const json_t *root,
			const uint8_t *pcrs, const char *platform)
{
	const json_t *rep = json_object_get(root, "report");
	const json_t *body =
		json_object_get(json_object_get(root, "quote"), "body");
	const char *meas = NULL;
	const char *key;
	json_t *v;

	if (rep) {
		meas = json_string_value(json_object_get(rep, "measurement"));
		appraise_snp(a, rep);
	} else if (body) {
		meas = json_string_value(json_object_get(body, "mrtd"));
		appraise_tdx(a, body);
	}
	if (a->pol->measurements) {
		int ok = in_hex_list(a->pol->measurements, meas);

		mv_ap(a, "measurement", ok ? TIER_AFFIRMING : TIER_CONTRA,
		      "executables", ok ? 2 : 96, "launch measurement %s",
		      ok ? "matches a reference value" :
			   "matches no reference value");
	}
	if (a->pol->reference_pcrs) {
		int bad = 0;

		json_object_foreach(a->pol->reference_pcrs, key, v)
		{
			uint8_t want[32];
			int idx = atoi(key);

			if (!pcrs || idx < 0 || idx >= 24 ||
			    mv_unhex(json_string_value(v) ?
					     json_string_value(v) :
					     "",
				     want, 32) != 32 ||
			    memcmp(want, pcrs + 32 * idx, 32))
				bad = 1;
		}
		mv_ap(a, "pcrs", bad ? TIER_CONTRA : TIER_AFFIRMING,
		      "executables", bad ? 96 : 2, "PCR values %s",
		      bad ? "differ from the reference" :
			    "match the reference");
	}
	if (json_is_true(json_object_get(root, "simulated")))
		mv_ap(a, "platform", TIER_WARNING, "runtime-opaque", 32,
		      "Mantle's simulated secure processor (no memory "
		      "encryption), trusted by the policy");
	else
		mv_ap(a, "platform", TIER_AFFIRMING, "runtime-opaque", 2,
		      "hardware-encrypted memory (%s)", platform);
}

json_t *mv_ear_claims(const struct appraisal *a, const char *platform,
		      const uint8_t *nonce, size_t nlen, int64_t iat)
{
	json_t *sub, *ear;
	char policy_id[80];
	char *hex = mv_hex(a->pol->digest, 32);
	char *nb = nonce ? mv_b64url(nonce, nlen) : NULL;

	snprintf(policy_id, sizeof(policy_id), "policy:sha256:%s",
		 hex ? hex : "");
	sub = json_pack("{s:s, s:O, s:s, s:O}", "ear.status",
			tier_names[a->worst ? a->worst : TIER_WARNING],
			"ear.trustworthiness-vector", a->tv,
			"ear.appraisal-policy-id", policy_id,
			"mantle.appraisal", a->claims);
	ear = json_pack("{s:s, s:I, s:{s:s, s:s}, s:{s:o}}", "eat_profile",
			MV_EAR_PROFILE, "iat", (json_int_t)iat,
			"ear.verifier-id", "developer", "mantle", "build",
			"mantle-verify 1", "submods",
			platform ? platform : "unknown", sub);
	if (nb)
		json_object_set_new(ear, "eat_nonce", json_string(nb));
	free(hex);
	free(nb);
	return ear;
}
