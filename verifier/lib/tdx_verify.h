/* SPDX-License-Identifier: MIT */
/* TDX quote verification to the Intel SGX Root CA, optional collateral. */
#ifndef TDX_VERIFY_H
#define TDX_VERIFY_H

#include <openssl/x509.h>
#include <stdint.h>

#include "mv_result.h"
#include "tdx_pck.h"
#include "tdx_quote.h"

/* Verifies a quote; root is the trusted Intel root. Returns r->status. */
int tdx_verify_quote(struct mv_result *r, const uint8_t *buf, size_t len,
		     X509 *root, const char *collateral_dir, int64_t t);

/* Same, loading the root from a PEM file. */
int tdx_verify_file_quote(struct mv_result *r, const uint8_t *buf, size_t len,
			  const char *root_path, const char *collateral_dir,
			  int64_t t);

/* Checks that a quote was made from this TDREPORT (same TD fields). */
int tdx_match_tdreport(struct mv_result *r, const uint8_t *quote, size_t len,
		       const uint8_t *tdreport);

/*
 * Collateral checks (tdx_collateral.c): TCB info and QE identity signatures
 * and chains, CRLs, FMSPC and QE identity match; TCB status as a warning.
 */
int tdx_check_collateral(struct mv_result *r, const struct tdx_quote *q,
			 X509 *pck_leaf, X509 *pck_ca, X509 *root,
			 const char *dir, int64_t t);

/* FMSPC/PCE-ID, TDX module identity and TCB level of a (verified) TCB info. */
void tdx_check_tcb_info(struct mv_result *r, json_t *info,
			const struct tdx_quote *q,
			const struct tdx_pck_ext *pck);

#endif
