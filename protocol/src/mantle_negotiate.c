// SPDX-License-Identifier: MIT
/*
 * Version and feature negotiation (SPEC.md 3.2, 3.3). Freestanding.
 *
 * An offered MTL_VERSION(M, m) means "I speak major M, minors 0..m" (a minor
 * only adds). The paravisor speaks every version numerically within
 * [pv_min, pv_max]. It answers with the highest version both speak.
 */
#include "../include/mantle_proto.h"

mtl_u32 mtl_version_pick(mtl_u32 offered, mtl_u32 pv_min, mtl_u32 pv_max)
{
	mtl_u32 major = MTL_VERSION_MAJOR(offered);
	mtl_u32 hi = MTL_VERSION_MINOR(offered);
	mtl_u32 lo = 0;

	if (offered == 0 || pv_min == 0 || pv_min > pv_max)
		return 0;
	if (major < MTL_VERSION_MAJOR(pv_min) ||
	    major > MTL_VERSION_MAJOR(pv_max))
		return 0;
	if (major == MTL_VERSION_MAJOR(pv_max) &&
	    hi > MTL_VERSION_MINOR(pv_max))
		hi = MTL_VERSION_MINOR(pv_max);
	if (major == MTL_VERSION_MAJOR(pv_min))
		lo = MTL_VERSION_MINOR(pv_min);
	if (hi < lo)
		return 0;
	return MTL_VERSION(major, hi);
}

/* Feature bits a version defines; later minors append their own. */
static mtl_u64 known_features(mtl_u32 version)
{
	if (MTL_VERSION_MAJOR(version) == 1)
		return MTL_F_KNOWN_1_0;
	return 0;
}

mtl_u32 mtl_negotiate(const struct mtl_msg_version_request *req, mtl_u32 pv_min,
		      mtl_u32 pv_max, mtl_u64 pv_features,
		      struct mtl_msg_version_response *resp)
{
	mtl_u32 n, i, best = 0;

	resp->hdr.type = MTL_MSG_VERSION_RESPONSE;
	resp->hdr.flags = MTL_PKT_F_COMPLETION;
	resp->hdr.len8 = sizeof(*resp) / 8;
	resp->hdr.reserved = 0;
	resp->hdr.txid = req->hdr.txid;
	resp->version = 0;
	resp->version_min = pv_min;
	resp->version_max = pv_max;
	resp->features = 0;
	n = req->nr_versions;
	resp->status = MTL_STATUS_INVALID_MESSAGE;
	if (n == 0 || n > MTL_MAX_OFFERED_VERSIONS || req->reserved0 != 0)
		return resp->status;
	for (i = 0; i < MTL_MAX_OFFERED_VERSIONS; i++)
		if ((i < n) != (req->versions[i] != 0))
			return resp->status;
	for (i = 0; i < n; i++) {
		mtl_u32 v = mtl_version_pick(req->versions[i], pv_min, pv_max);

		if (v > best)
			best = v;
	}
	if (best == 0) {
		resp->status = MTL_STATUS_VERSION_UNSUPPORTED;
		return resp->status;
	}
	resp->version = best;
	resp->features = req->features & pv_features & known_features(best);
	resp->status = MTL_STATUS_OK;
	return resp->status;
}
