/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The bus control messages the guest builds and the ones it parses
 * (protocol/SPEC.md 3, 4), and the offer-to-device rules. Pure functions
 * over private copies: no locks, no hardware, tested by KUnit on UML
 * (kunit/mantle_bus_kunit.c).
 */
#ifndef MANTLE_BUS_MSG_H
#define MANTLE_BUS_MSG_H

#include <linux/types.h>

#include "mantle_proto.h"

/* Versions this driver implements: major 1, every minor up to 0. */
#define MBUS_VERSION_IMPL_MAJOR 1
/* Features this driver implements. */
#define MBUS_FEATURES_IMPL MTL_F_EVENT_IDX

/* Parse "1.0,2.3": up to max MTL_VERSION()s into out. Returns the count,
 * or -EINVAL. */
int mbus_parse_versions(const char *s, u32 *out, u32 max);

void mbus_build_version_request(struct mtl_msg_version_request *req,
				const u32 *versions, u32 n, u64 features,
				u64 txid);

/* What a VERSION_RESPONSE says. */
struct mbus_version {
	u32 status; /* enum mtl_status */
	u32 version;
	u32 version_min;
	u32 version_max;
	u64 features;
};

/*
 * Check a VERSION_RESPONSE (already mtl_pkt_check()ed) against the request:
 * 0 and *out filled (status may be a refusal); -EPROTO when the paravisor
 * broke the rules (a version or feature it was not offered, a refusal with a
 * version).
 */
int mbus_parse_version_response(const void *pkt, u32 len,
				const struct mtl_msg_version_request *req,
				struct mbus_version *out);

/* Header-only REQUEST_OFFERS. */
void mbus_build_request_offers(struct mtl_pkt_hdr *h, u64 txid);

/* A checked offer. */
struct mbus_offer {
	u32 channel_id;
	u16 device_class;
	u32 class_version;
	u32 max_record;
	u8 instance_id[16];
};

/* Parse an OFFER: 0 or -EPROTO (zero channel id, bad max_record, nonzero
 * reserved fields or flags). */
int mbus_parse_offer(const void *pkt, u32 len, struct mbus_offer *out);

/*
 * Add a checked offer to a table of n entries (of cap): 0, -EEXIST for a
 * channel id already offered, -ENOSPC when full.
 */
int mbus_offer_add(struct mbus_offer *tab, u32 *n, u32 cap,
		   const struct mbus_offer *o);

/* ALL_OFFERS_DELIVERED: 0 when it carries n offers, -EPROTO otherwise. */
int mbus_parse_offers_done(const void *pkt, u32 len, u32 n);

void mbus_build_open(struct mtl_msg_open_channel *m, u32 channel_id,
		     u32 class_version, u64 g2p_gpa, u64 p2g_gpa, u8 g2p_log2,
		     u8 p2g_log2, u32 max_record, u64 txid);
/* Is this class version one we may ask for, given the offered one? */
bool mbus_class_version_ok(u32 offered, u32 wanted);

/* CLOSE_CHANNEL or RESET_CHANNEL. */
void mbus_build_channel_msg(struct mtl_msg_channel *m, u16 type, u32 channel_id,
			    u64 txid);
/* OPEN/CLOSE/RESET_RESULT for channel_id: 0 and *status; -EPROTO. */
int mbus_parse_result(const void *pkt, u32 len, u32 channel_id, u32 *status);

/* The response type a request expects, 0 if none. */
u16 mbus_response_type(u16 request_type);

/* Device naming and matching. */
#define MBUS_MODALIAS_LEN 16 /* "mantle:cXXXX" + NUL, with room */
void mbus_modalias(u16 device_class, char *buf, size_t len);
#define MBUS_INSTANCE_LEN 33 /* 32 hex digits + NUL */
void mbus_instance_hex(const u8 id[16], char *buf);

struct mantle_device_id;
/* The id table entry serving device_class, or NULL (a table ends with
 * class 0). */
const struct mantle_device_id *
mbus_match_class(const struct mantle_device_id *ids, u16 device_class);

/* Name of a status code, "?" for unknown ones. */
const char *mbus_status_name(u32 status);

#endif /* MANTLE_BUS_MSG_H */
