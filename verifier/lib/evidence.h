/* SPDX-License-Identifier: MIT */
/*
 * Appraisal of a Mantle evidence bundle against a policy, producing the
 * claims of an EAR (IETF RATS EAT Attestation Result). Schema of both
 * files: verifier/EVIDENCE.md.
 */
#ifndef EVIDENCE_H
#define EVIDENCE_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#include "mv_result.h"
#include "policy.h"

#define MV_EAR_PROFILE "tag:github.com,2023:veraison/ear"

enum mv_tier { TIER_NONE, TIER_AFFIRMING, TIER_WARNING, TIER_CONTRA };

/*
 * Verifies and appraises the bundle. r receives the verification details;
 * *ear the EAR claims (caller frees). Returns MV_BADINPUT when the bundle
 * is unusable, else MV_OK and the tier in *tier.
 */
int mv_evidence_appraise(const uint8_t *bundle, size_t len,
			 const struct mv_policy *pol, int64_t t,
			 struct mv_result *r, json_t **ear, enum mv_tier *tier);

#endif
