// SPDX-License-Identifier: GPL-2.0
/*
 * Building and parsing the bus control messages (protocol/SPEC.md 3, 4).
 * Every function works on private copies; the control ring code already
 * copied each received packet and mtl_pkt_check() checked its header and
 * size.
 */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "mantle_bus.h"
#include "bus_msg.h"

static void hdr_init(struct mtl_pkt_hdr *h, u16 type, u16 flags, u32 size,
		     u64 txid)
{
	h->type = type;
	h->flags = flags;
	h->len8 = size / 8;
	h->reserved = 0;
	h->txid = txid;
}

/* One "M.m" at *s; advances *s past it. */
static int parse_one_version(const char **s, u32 *v)
{
	unsigned long major = 0, minor = 0;
	const char *p = *s;
	int digits = 0;

	while (*p >= '0' && *p <= '9' && digits < 6) {
		major = major * 10 + (*p++ - '0');
		digits++;
	}
	if (digits == 0 || *p++ != '.')
		return -EINVAL;
	digits = 0;
	while (*p >= '0' && *p <= '9' && digits < 6) {
		minor = minor * 10 + (*p++ - '0');
		digits++;
	}
	if (digits == 0 || major == 0 || major > 0xFFFF || minor > 0xFFFF)
		return -EINVAL;
	*v = MTL_VERSION(major, minor);
	*s = p;
	return 0;
}

int mbus_parse_versions(const char *s, u32 *out, u32 max)
{
	u32 n = 0;

	if (!s)
		return -EINVAL;
	for (;;) {
		if (n == max || parse_one_version(&s, &out[n]) != 0)
			return -EINVAL;
		n++;
		if (*s == '\0' || *s == '\n')
			return n;
		if (*s++ != ',')
			return -EINVAL;
	}
}

void mbus_build_version_request(struct mtl_msg_version_request *req,
				const u32 *versions, u32 n, u64 features,
				u64 txid)
{
	u32 i;

	memset(req, 0, sizeof(*req));
	hdr_init(&req->hdr, MTL_MSG_VERSION_REQUEST,
		 MTL_PKT_F_COMPLETION_REQUESTED, sizeof(*req), txid);
	req->nr_versions = n;
	for (i = 0; i < n && i < MTL_MAX_OFFERED_VERSIONS; i++)
		req->versions[i] = versions[i];
	req->features = features;
}

/* Would this request have offered version v (SPEC.md 3.2: M.m offers M.0
 * up to M.m)? */
static bool version_offered(const struct mtl_msg_version_request *req, u32 v)
{
	u32 i;

	for (i = 0; i < req->nr_versions && i < MTL_MAX_OFFERED_VERSIONS; i++)
		if (MTL_VERSION_MAJOR(req->versions[i]) ==
			    MTL_VERSION_MAJOR(v) &&
		    MTL_VERSION_MINOR(v) <= MTL_VERSION_MINOR(req->versions[i]))
			return true;
	return false;
}

int mbus_parse_version_response(const void *pkt, u32 len,
				const struct mtl_msg_version_request *req,
				struct mbus_version *out)
{
	const struct mtl_msg_version_response *r = pkt;

	if (len != sizeof(*r) || r->hdr.type != MTL_MSG_VERSION_RESPONSE ||
	    r->hdr.txid != req->hdr.txid)
		return -EPROTO;
	out->status = r->status;
	out->version = r->version;
	out->version_min = r->version_min;
	out->version_max = r->version_max;
	out->features = r->features;
	if (r->status != MTL_STATUS_OK)
		return r->version == 0 && r->features == 0 ? 0 : -EPROTO;
	if (!version_offered(req, r->version))
		return -EPROTO;
	if ((r->features & ~req->features) != 0)
		return -EPROTO;
	return 0;
}

void mbus_build_request_offers(struct mtl_pkt_hdr *h, u64 txid)
{
	hdr_init(h, MTL_MSG_REQUEST_OFFERS, MTL_PKT_F_COMPLETION_REQUESTED,
		 sizeof(*h), txid);
}

int mbus_parse_offer(const void *pkt, u32 len, struct mbus_offer *out)
{
	const struct mtl_msg_offer *o = pkt;

	if (len != sizeof(*o) || o->hdr.type != MTL_MSG_OFFER)
		return -EPROTO;
	if (o->channel_id == 0 || o->channel_id == MTL_DOORBELL_BUS_RESET)
		return -EPROTO;
	if (o->max_record < 64 || o->max_record > MTL_RING_RECORD_MAX ||
	    (o->max_record & 7) != 0)
		return -EPROTO;
	if (o->device_class == 0 || o->reserved0 != 0 || o->reserved1 != 0 ||
	    o->flags != 0 || o->class_version == 0)
		return -EPROTO;
	out->channel_id = o->channel_id;
	out->device_class = o->device_class;
	out->class_version = o->class_version;
	out->max_record = o->max_record;
	memcpy(out->instance_id, o->instance_id, sizeof(out->instance_id));
	return 0;
}

int mbus_offer_add(struct mbus_offer *tab, u32 *n, u32 cap,
		   const struct mbus_offer *o)
{
	u32 i;

	for (i = 0; i < *n; i++)
		if (tab[i].channel_id == o->channel_id)
			return -EEXIST;
	if (*n >= cap)
		return -ENOSPC;
	tab[(*n)++] = *o;
	return 0;
}

int mbus_parse_offers_done(const void *pkt, u32 len, u32 n)
{
	const struct mtl_msg_offers_done *d = pkt;

	if (len != sizeof(*d) || d->hdr.type != MTL_MSG_ALL_OFFERS_DELIVERED ||
	    d->reserved0 != 0)
		return -EPROTO;
	return d->nr_offers == n ? 0 : -EPROTO;
}

void mbus_build_open(struct mtl_msg_open_channel *m, u32 channel_id,
		     u32 class_version, u64 g2p_gpa, u64 p2g_gpa, u8 g2p_log2,
		     u8 p2g_log2, u32 max_record, u64 txid)
{
	memset(m, 0, sizeof(*m));
	hdr_init(&m->hdr, MTL_MSG_OPEN_CHANNEL, MTL_PKT_F_COMPLETION_REQUESTED,
		 sizeof(*m), txid);
	m->channel_id = channel_id;
	m->class_version = class_version;
	m->g2p_ring_gpa = g2p_gpa;
	m->p2g_ring_gpa = p2g_gpa;
	m->g2p_log2 = g2p_log2;
	m->p2g_log2 = p2g_log2;
	m->max_record = max_record;
}

bool mbus_class_version_ok(u32 offered, u32 wanted)
{
	return wanted != 0 && wanted <= offered &&
	       MTL_VERSION_MAJOR(wanted) == MTL_VERSION_MAJOR(offered);
}

void mbus_build_channel_msg(struct mtl_msg_channel *m, u16 type, u32 channel_id,
			    u64 txid)
{
	memset(m, 0, sizeof(*m));
	hdr_init(&m->hdr, type, MTL_PKT_F_COMPLETION_REQUESTED, sizeof(*m),
		 txid);
	m->channel_id = channel_id;
}

int mbus_parse_result(const void *pkt, u32 len, u32 channel_id, u32 *status)
{
	const struct mtl_msg_result *r = pkt;

	if (len != sizeof(*r) || r->channel_id != channel_id ||
	    r->status >= MTL_STATUS_COUNT)
		return -EPROTO;
	*status = r->status;
	return 0;
}

static const struct {
	u16 request;
	u16 response;
} response_types[] = {
	{ MTL_MSG_VERSION_REQUEST, MTL_MSG_VERSION_RESPONSE },
	{ MTL_MSG_REQUEST_OFFERS, MTL_MSG_ALL_OFFERS_DELIVERED },
	{ MTL_MSG_OPEN_CHANNEL, MTL_MSG_OPEN_RESULT },
	{ MTL_MSG_CLOSE_CHANNEL, MTL_MSG_CLOSE_RESULT },
	{ MTL_MSG_RESET_CHANNEL, MTL_MSG_RESET_RESULT },
};

u16 mbus_response_type(u16 request_type)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(response_types); i++)
		if (response_types[i].request == request_type)
			return response_types[i].response;
	return 0;
}

void mbus_modalias(u16 device_class, char *buf, size_t len)
{
	snprintf(buf, len, "mantle:c%04X", device_class);
}

void mbus_instance_hex(const u8 id[16], char *buf)
{
	static const char hex[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 16; i++) {
		buf[2 * i] = hex[id[i] >> 4];
		buf[2 * i + 1] = hex[id[i] & 15];
	}
	buf[32] = '\0';
}

const struct mantle_device_id *
mbus_match_class(const struct mantle_device_id *ids, u16 device_class)
{
	for (; ids && ids->device_class; ids++)
		if (ids->device_class == device_class)
			return ids;
	return NULL;
}

static const char *const status_names[MTL_STATUS_COUNT] = {
	[MTL_STATUS_OK] = "OK",
	[MTL_STATUS_VERSION_UNSUPPORTED] = "VERSION_UNSUPPORTED",
	[MTL_STATUS_INVALID_MESSAGE] = "INVALID_MESSAGE",
	[MTL_STATUS_UNKNOWN_CHANNEL] = "UNKNOWN_CHANNEL",
	[MTL_STATUS_CHANNEL_STATE] = "CHANNEL_STATE",
	[MTL_STATUS_INVALID_RING] = "INVALID_RING",
	[MTL_STATUS_NO_RESOURCES] = "NO_RESOURCES",
	[MTL_STATUS_BUFFER_TOO_SMALL] = "BUFFER_TOO_SMALL",
	[MTL_STATUS_INVALID_PAGES] = "INVALID_PAGES",
	[MTL_STATUS_NOT_SUPPORTED] = "NOT_SUPPORTED",
	[MTL_STATUS_IO_ERROR] = "IO_ERROR",
	[MTL_STATUS_ABORTED] = "ABORTED",
	[MTL_STATUS_PROTOCOL_ERROR] = "PROTOCOL_ERROR",
};

const char *mbus_status_name(u32 status)
{
	return status < MTL_STATUS_COUNT ? status_names[status] : "?";
}
