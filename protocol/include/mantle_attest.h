/* SPDX-License-Identifier: MIT */
/*
 * Mantle protocol 1.0: attestation device class (SPEC.md 9.2). The guest asks
 * for a hardware report bound to 64 bytes of its own data; the report and its
 * certificates are written into a guest buffer given as a page list.
 */
#ifndef MANTLE_ATTEST_H
#define MANTLE_ATTEST_H

#include "mantle_types.h"
#include "mantle_proto.h"

#define MTL_ATTEST_VERSION_1_0 MTL_VERSION(1, 0)
#define MTL_ATTEST_USER_DATA 64u

/* Report types. */
#define MTL_REPORT_SNP 1u /* AMD SEV-SNP ATTESTATION_REPORT */
#define MTL_REPORT_TDX 2u /* Intel TDX TD quote */
#define MTL_REPORT_SIMULATED 3u /* nested platform's simulated report */

/*
 *   16      20      24                      88          104
 *   +-------+-------+-----------------------+-----------+------
 *   | type  | flags |    user_data[64]      | page list | gpfn[]
 *   +-------+-------+-----------------------+-----------+------
 */
struct mtl_attest_request {
	struct mtl_pkt_hdr hdr;
	mtl_le32 report_type; /* MTL_REPORT_* */
	mtl_le32 flags; /* 0 in 1.0 */
	mtl_u8 user_data[MTL_ATTEST_USER_DATA];
	struct mtl_page_list buf; /* where report and certificates go */
	mtl_le64 gpfn[]; /* buf.nr_pages entries */
};
MTL_ASSERT_SIZE(struct mtl_attest_request, 104);
MTL_ASSERT_OFFSET(struct mtl_attest_request, user_data, 24);
MTL_ASSERT_OFFSET(struct mtl_attest_request, buf, 88);
MTL_ASSERT_OFFSET(struct mtl_attest_request, gpfn, 104);

/*
 * Completion. With status OK the buffer holds the report at byte 0 and the
 * certificates at certs_off (8-byte aligned, after the report). With
 * BUFFER_TOO_SMALL nothing was written and the lengths give the sizes needed.
 */
struct mtl_attest_response {
	struct mtl_pkt_hdr hdr;
	mtl_le32 status;
	mtl_le32 report_type;
	mtl_le32 report_len;
	mtl_le32 certs_off;
	mtl_le32 certs_len; /* 0: no certificates */
	mtl_le32 reserved0;
};
MTL_ASSERT_SIZE(struct mtl_attest_response, 40);

#endif /* MANTLE_ATTEST_H */
