/* SPDX-License-Identifier: MIT */
/* The Intel SGX extension of a PCK certificate (1.2.840.113741.1.13.1). */
#ifndef TDX_PCK_H
#define TDX_PCK_H

#include <openssl/x509.h>
#include <stdint.h>

struct tdx_pck_ext {
	uint8_t fmspc[6];
	uint8_t pce_id[2];
	int comp_svn[16]; /* SGX TCB component SVNs */
	int pcesvn;
};

/* Returns 0, or -1 when the extension is absent or malformed. */
int tdx_pck_ext_parse(const X509 *x, struct tdx_pck_ext *e);

#endif
