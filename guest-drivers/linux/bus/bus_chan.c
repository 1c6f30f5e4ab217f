// SPDX-License-Identifier: GPL-2.0
/*
 * Channels (protocol/SPEC.md 4.3) for class drivers: open with two ring areas
 * of guest memory, packets over the shared ring code (protocol/src), the
 * doorbell and the bus interrupt as notifications (SPEC 6), BROKEN on a ring
 * fault (SPEC 5.5), close.
 */
#include <linux/gfp.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "bus_priv.h"

/* What an OPEN_RESULT status means to the opener. */
static const int open_errno[MTL_STATUS_COUNT] = {
	[MTL_STATUS_OK] = 0,
	[MTL_STATUS_UNKNOWN_CHANNEL] = -ENODEV,
	[MTL_STATUS_CHANNEL_STATE] = -EBUSY,
	[MTL_STATUS_INVALID_RING] = -EINVAL,
	[MTL_STATUS_NO_RESOURCES] = -EAGAIN,
	[MTL_STATUS_NOT_SUPPORTED] = -EOPNOTSUPP,
};

static int status_errno(u32 st)
{
	if (st < MTL_STATUS_COUNT && (st == MTL_STATUS_OK || open_errno[st]))
		return open_errno[st];
	return -EPROTO;
}

static void *ring_alloc(u32 log2)
{
	return alloc_pages_exact(MTL_RING_AREA_SIZE(log2),
				 GFP_KERNEL | __GFP_ZERO);
}

static void rings_free(struct mantle_channel *c)
{
	if (c->g2p_area)
		free_pages_exact(c->g2p_area, MTL_RING_AREA_SIZE(c->g2p_log2));
	if (c->p2g_area)
		free_pages_exact(c->p2g_area, MTL_RING_AREA_SIZE(c->p2g_log2));
	c->g2p_area = NULL;
	c->p2g_area = NULL;
}

/* The paravisor may still use the rings (it never answered): keep them. */
static void rings_leak(struct mantle_channel *c, const char *why)
{
	pr_err("mantle_bus: channel %u: %s; its ring memory is kept, never reused\n",
	       c->mdev->channel_id, why);
	c->g2p_area = NULL;
	c->p2g_area = NULL;
}

static u32 ring_cap(u32 log2)
{
	u32 cap = (1u << log2) * MTL_RING_SLOT_DATA;

	return min(cap, MTL_RING_RECORD_MAX) & ~7u;
}

static int check_params(const struct mantle_device *md,
			const struct mantle_channel_params *p)
{
	if (!mbus_class_version_ok(md->class_version, p->class_version))
		return -EINVAL;
	if (p->g2p_log2 < MTL_RING_LOG2_MIN ||
	    p->g2p_log2 > MTL_RING_LOG2_MAX ||
	    p->p2g_log2 < MTL_RING_LOG2_MIN || p->p2g_log2 > MTL_RING_LOG2_MAX)
		return -EINVAL;
	if (p->p2g_max_record < 64 || (p->p2g_max_record & 7) ||
	    p->p2g_max_record > ring_cap(p->p2g_log2))
		return -EINVAL;
	return 0;
}

static struct mantle_channel *chan_alloc(struct mbus *b,
					 struct mantle_device *md,
					 const struct mantle_channel_params *p)
{
	u32 flags = (b->features & MTL_F_EVENT_IDX) ? MTL_RING_F_EVENT_IDX : 0;
	struct mantle_channel *c = kzalloc(sizeof(*c), GFP_KERNEL);

	if (!c)
		return NULL;
	c->mdev = md;
	c->g2p_log2 = p->g2p_log2;
	c->p2g_log2 = p->p2g_log2;
	c->p2g_max = p->p2g_max_record;
	c->notify = p->notify;
	c->ctx = p->ctx;
	spin_lock_init(&c->tx_lock);
	spin_lock_init(&c->rx_lock);
	INIT_LIST_HEAD(&c->node);
	c->g2p_area = ring_alloc(p->g2p_log2);
	c->p2g_area = ring_alloc(p->p2g_log2);
	if (!c->g2p_area || !c->p2g_area)
		goto fail;
	if (mtl_ring_init(&c->tx, c->g2p_area, p->g2p_log2,
			  min(md->max_record, ring_cap(p->g2p_log2)),
			  MTL_RING_PRODUCER, flags) != MTL_RING_OK ||
	    mtl_ring_init(&c->rx, c->p2g_area, p->p2g_log2, p->p2g_max_record,
			  MTL_RING_CONSUMER, flags) != MTL_RING_OK)
		goto fail;
	return c;
fail:
	rings_free(c);
	kfree(c);
	return NULL;
}

int mantle_channel_open(struct mantle_device *md,
			const struct mantle_channel_params *p)
{
	struct mbus *b = mbus_the;
	struct mtl_msg_open_channel m;
	u64 resp[MTL_CONTROL_MAX_RECORD / 8];
	struct mantle_channel *c;
	unsigned long f;
	u32 len, st;
	int rc;

	if (!b)
		return -ENODEV;
	if (md->chan)
		return -EBUSY;
	rc = check_params(md, p);
	if (rc)
		return rc;
	c = chan_alloc(b, md, p);
	if (!c)
		return -ENOMEM;
	mbus_build_open(&m, md->channel_id, p->class_version,
			virt_to_phys(c->g2p_area), virt_to_phys(c->p2g_area),
			p->g2p_log2, p->p2g_log2, p->p2g_max_record, 0);
	rc = mbus_ctl_request(b, &m, sizeof(m), resp, &len);
	if (rc) {
		rings_leak(c, "no answer to OPEN_CHANNEL");
		kfree(c);
		return rc;
	}
	if (mbus_parse_result(resp, len, md->channel_id, &st) != 0) {
		mbus_protocol_error(b, "bad OPEN_RESULT for channel %u",
				    md->channel_id);
		rings_leak(c, "malformed OPEN_RESULT");
		kfree(c);
		return -EPROTO;
	}
	if (st != MTL_STATUS_OK) {
		dev_warn(&md->dev, "open refused: %s\n", mbus_status_name(st));
		rings_free(c);
		kfree(c);
		return status_errno(st);
	}
	md->chan = c;
	spin_lock_irqsave(&b->chan_lock, f);
	list_add_tail(&c->node, &b->open_channels);
	spin_unlock_irqrestore(&b->chan_lock, f);
	return 0;
}
EXPORT_SYMBOL_GPL(mantle_channel_open);

void mantle_channel_close(struct mantle_device *md)
{
	struct mantle_channel *c = md->chan;
	struct mbus *b = mbus_the;
	struct mtl_msg_channel m;
	u64 resp[MTL_CONTROL_MAX_RECORD / 8];
	unsigned long f;
	u32 len, st;

	if (!c || !b)
		return;
	spin_lock_irqsave(&b->chan_lock, f);
	list_del_init(&c->node);
	spin_unlock_irqrestore(&b->chan_lock, f);
	md->chan = NULL;
	mbus_build_channel_msg(&m, MTL_MSG_CLOSE_CHANNEL, md->channel_id, 0);
	if (mbus_ctl_request(b, &m, sizeof(m), resp, &len) != 0)
		rings_leak(c, "no answer to CLOSE_CHANNEL");
	else if (mbus_parse_result(resp, len, md->channel_id, &st) != 0)
		rings_leak(c, "malformed CLOSE_RESULT");
	else if (st != MTL_STATUS_OK && st != MTL_STATUS_UNKNOWN_CHANNEL &&
		 st != MTL_STATUS_CHANNEL_STATE)
		rings_leak(c, mbus_status_name(st));
	rings_free(c);
	kfree(c);
}
EXPORT_SYMBOL_GPL(mantle_channel_close);

/* The channel's ring faulted (SPEC.md 5.5): BROKEN until closed. */
static void chan_broke(struct mantle_channel *c, const struct mtl_ring *r)
{
	if (c->broken)
		return;
	c->broken = true;
	mbus_protocol_error(mbus_the, "channel %u broken: %s ring fault %u",
			    c->mdev->channel_id, r == &c->tx ? "G2P" : "P2G",
			    mtl_ring_fault(r));
}

static int chan_send(struct mantle_device *md, const void *hdr, u32 hdr_len,
		     const void *data, u32 data_len, bool more)
{
	struct mantle_channel *c = md->chan;
	int rc, notify = 0;

	if (!c)
		return -ENOTCONN;
	spin_lock(&c->tx_lock);
	for (;;) {
		if (c->broken) {
			rc = MTL_RING_EPEER;
			break;
		}
		rc = mtl_ring_write(&c->tx, hdr, hdr_len, data, data_len);
		/* A full ring ends the batch: the paravisor can only drain
		 * what it was told about. */
		if ((rc == MTL_RING_OK && !more) || rc == MTL_RING_FULL)
			notify |= mtl_ring_flush(&c->tx);
		if (rc != MTL_RING_FULL ||
		    !mtl_ring_want_space(
			    &c->tx, MTL_RING_SLOTS_FOR(hdr_len + data_len)))
			break;
	}
	if (mtl_ring_fault(&c->tx))
		chan_broke(c, &c->tx);
	spin_unlock(&c->tx_lock);
	if (notify)
		mbus_doorbell(mbus_the, md->channel_id);
	switch (rc) {
	case MTL_RING_OK:
		return 0;
	case MTL_RING_FULL:
		return -EAGAIN;
	case MTL_RING_EPEER:
		return -EPIPE;
	default:
		return -EINVAL;
	}
}

int mantle_channel_send(struct mantle_device *md, const void *hdr, u32 hdr_len,
			const void *data, u32 data_len)
{
	return chan_send(md, hdr, hdr_len, data, data_len, false);
}
EXPORT_SYMBOL_GPL(mantle_channel_send);

int mantle_channel_send_more(struct mantle_device *md, const void *hdr,
			     u32 hdr_len, const void *data, u32 data_len)
{
	return chan_send(md, hdr, hdr_len, data, data_len, true);
}
EXPORT_SYMBOL_GPL(mantle_channel_send_more);

void mantle_channel_kick(struct mantle_device *md)
{
	struct mantle_channel *c = md->chan;
	int notify;

	if (!c)
		return;
	spin_lock(&c->tx_lock);
	notify = c->broken ? 0 : mtl_ring_flush(&c->tx);
	spin_unlock(&c->tx_lock);
	if (notify)
		mbus_doorbell(mbus_the, md->channel_id);
}
EXPORT_SYMBOL_GPL(mantle_channel_kick);

int mantle_channel_recv(struct mantle_device *md, void *buf, u32 cap, u32 *len)
{
	struct mantle_channel *c = md->chan;
	int rc, notify = 0;
	u32 st;

	if (!c)
		return -ENOTCONN;
	spin_lock(&c->rx_lock);
	for (;;) {
		rc = c->broken ? MTL_RING_EPEER :
				 mtl_ring_read(&c->rx, buf, cap, len);
		if (rc != MTL_RING_EMPTY)
			break;
		notify |= mtl_ring_done(&c->rx);
		if (!mtl_ring_want_data(&c->rx))
			break;
	}
	if (mtl_ring_fault(&c->rx))
		chan_broke(c, &c->rx);
	spin_unlock(&c->rx_lock);
	if (notify)
		mbus_doorbell(mbus_the, md->channel_id);
	switch (rc) {
	case MTL_RING_OK:
		st = mtl_pkt_check(buf, *len);
		if (st == MTL_STATUS_OK)
			return 0;
		mbus_protocol_error(mbus_the, "channel %u: bad packet: %s",
				    md->channel_id, mbus_status_name(st));
		return -EBADMSG;
	case MTL_RING_EMPTY:
		return -EAGAIN;
	case MTL_RING_EPEER:
		return -EPIPE;
	default:
		return -EINVAL;
	}
}
EXPORT_SYMBOL_GPL(mantle_channel_recv);

void mantle_channel_recv_done(struct mantle_device *md)
{
	struct mantle_channel *c = md->chan;
	int notify;

	if (!c)
		return;
	spin_lock(&c->rx_lock);
	notify = c->broken ? 0 : mtl_ring_done(&c->rx);
	spin_unlock(&c->rx_lock);
	if (notify)
		mbus_doorbell(mbus_the, md->channel_id);
}
EXPORT_SYMBOL_GPL(mantle_channel_recv_done);

bool mantle_channel_rx_ready(struct mantle_device *md)
{
	struct mantle_channel *c = md->chan;
	bool ready;

	if (!c)
		return true;
	spin_lock(&c->rx_lock);
	ready = c->broken || mtl_ring_want_data(&c->rx);
	spin_unlock(&c->rx_lock);
	return ready;
}
EXPORT_SYMBOL_GPL(mantle_channel_rx_ready);

/* Are `slots` slots of G2P free? Arms a notification when they are not. */
static bool tx_space(struct mantle_channel *c, u32 slots)
{
	bool ok;

	spin_lock(&c->tx_lock);
	ok = c->broken || mtl_ring_want_space(&c->tx, slots);
	if (mtl_ring_fault(&c->tx))
		chan_broke(c, &c->tx);
	spin_unlock(&c->tx_lock);
	return ok;
}

bool mantle_channel_tx_ready(struct mantle_device *md, u32 bytes)
{
	struct mantle_channel *c = md->chan;

	return !c || tx_space(c, MTL_RING_SLOTS_FOR(bytes));
}
EXPORT_SYMBOL_GPL(mantle_channel_tx_ready);

bool mantle_channel_g2p_drained(struct mantle_device *md)
{
	struct mantle_channel *c = md->chan;

	return !c || tx_space(c, 1u << c->g2p_log2);
}
EXPORT_SYMBOL_GPL(mantle_channel_g2p_drained);

bool mantle_channel_broken(struct mantle_device *md)
{
	struct mantle_channel *c = md->chan;

	return c && READ_ONCE(c->broken);
}
EXPORT_SYMBOL_GPL(mantle_channel_broken);

void mbus_channels_notify(struct mbus *b)
{
	struct mantle_channel *c;

	spin_lock(&b->chan_lock);
	list_for_each_entry(c, &b->open_channels, node)
		if (c->notify)
			c->notify(c->ctx);
	spin_unlock(&b->chan_lock);
}

#ifdef MANTLE_BUS_TEST_HOOKS
/* --- test-only entry points (mantle_bus_hostile.ko) -------------------------
 * Only in the test pack's build of this module (kbuild.sh's second pass);
 * exported in the MANTLE_BUS_TEST namespace. */

void mantle_bus_test_doorbell(u32 value)
{
	if (mbus_the)
		mbus_doorbell(mbus_the, value);
}
EXPORT_SYMBOL_NS_GPL(mantle_bus_test_doorbell, MANTLE_BUS_TEST);

void *mantle_channel_test_area(struct mantle_device *md, bool g2p)
{
	struct mantle_channel *c = md->chan;

	if (!c)
		return NULL;
	return g2p ? c->g2p_area : c->p2g_area;
}
EXPORT_SYMBOL_NS_GPL(mantle_channel_test_area, MANTLE_BUS_TEST);
#endif /* MANTLE_BUS_TEST_HOOKS */
