/* SPDX-License-Identifier: MIT */
/*
 * Appraisal of verified evidence against a policy: each claim (debug, VMPL,
 * TCB, measurement, PCRs, platform) gets an AR4SI tier and raises its
 * trustworthiness-vector entry (2 affirming, 32 warning, 96
 * contraindicated), and the result becomes the EAR claims. It reads only
 * the decoded JSON of evidence that evidence.c has already verified.
 */
#ifndef APPRAISAL_H
#define APPRAISAL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "evidence.h"
#include "policy.h"

struct appraisal {
	const struct mv_policy *pol;
	json_t *claims; /* claim -> {status, detail} */
	json_t *tv; /* trustworthiness vector */
	enum mv_tier worst;
};

/* Records claim at tier and raises tv_key (if any) to at least tv_val. */
void mv_ap(struct appraisal *a, const char *claim, enum mv_tier tier,
	   const char *tv_key, int tv_val, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * Appraises the verified result (root: its "report" or "quote" JSON and
 * "simulated" flag), the quoted SHA-256 PCR bank (or NULL) and the
 * platform name against the policy.
 */
void mv_appraise_claims(struct appraisal *a, const json_t *root,
			const uint8_t *pcrs, const char *platform);

/* The EAR claims set (caller frees). */
json_t *mv_ear_claims(const struct appraisal *a, const char *platform,
		      const uint8_t *nonce, size_t nlen, int64_t iat);

#endif
