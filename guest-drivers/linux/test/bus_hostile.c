// SPDX-License-Identifier: GPL-2.0
/*
 * mantle_bus_hostile: TEST ONLY (build/guest-test-pack, never in the driver
 * pack). A guest that breaks the pv bus protocol on purpose, so that an
 * integration test can check that the paravisor refuses each fault, counts
 * and logs it, and keeps serving the other channels.
 *
 * insmod mantle_bus_hostile.ko [target=N] [break_control=1]
 *   1. doorbells for channels that do not exist;
 *   2. malformed packets on the control ring (valid ring framing): unknown
 *      type, len8 that disagrees with the record, reserved bits, both
 *      completion flags, opens of unknown channels and with bad rings,
 *      closes of unknown channels;
 *   3. with target=N (a channel no driver holds open: unbind it first):
 *      open it, write a garbage cons_pos into its P2G ring and a record of
 *      impossible length into its G2P ring, ring its doorbell (the channel
 *      must become BROKEN), ring again, close it; then open and close it
 *      once more (a closed BROKEN channel is usable again);
 *   4. with break_control=1: a record of impossible length on the control
 *      ring itself (the bus is then unusable for this guest; channels
 *      already open keep their own rings).
 * Each step is logged "mantle_bus_hostile: step ..."; the last line is
 * "mantle_bus_hostile: done". The module stays loaded (rmmod it freely).
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "mantle_bus.h"
#include "mantle_proto.h"
#include "mantle_ring.h"

MODULE_IMPORT_NS(MANTLE_BUS_TEST);

static uint target;
module_param(target, uint, 0444);
MODULE_PARM_DESC(target, "channel id to break (0: none)");
static bool break_control;
module_param(break_control, bool, 0444);
MODULE_PARM_DESC(break_control, "finally break the control ring itself");

static void hdr(struct mtl_pkt_hdr *h, u16 type, u16 flags, u32 len)
{
	memset(h, 0, len);
	h->type = type;
	h->flags = flags;
	h->len8 = len / 8;
	h->txid = 0x4057113;
}

static void raw(const char *what, const void *pkt, u32 len)
{
	int rc = mantle_bus_test_ctl_raw(pkt, len);

	pr_info("mantle_bus_hostile: step control %s: %d\n", what, rc);
}

static void bad_open(const char *what, u32 chan, u64 g2p, u64 p2g, u8 l2)
{
	struct mtl_msg_open_channel m;

	hdr(&m.hdr, MTL_MSG_OPEN_CHANNEL, MTL_PKT_F_COMPLETION_REQUESTED,
	    sizeof(m));
	m.channel_id = chan;
	m.class_version = MTL_VERSION(1, 0);
	m.g2p_ring_gpa = g2p;
	m.p2g_ring_gpa = p2g;
	m.g2p_log2 = l2;
	m.p2g_log2 = l2;
	m.max_record = 512; /* valid for log2 4: the ring checks decide */
	raw(what, &m, sizeof(m));
}

static void step_doorbells(void)
{
	static const u32 ids[] = { 0xdead, 0x7fffffff, 1000, 0xfffffffe };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(ids); i++)
		mantle_bus_test_doorbell(ids[i]);
	pr_info("mantle_bus_hostile: step doorbells for %zu unknown channels\n",
		ARRAY_SIZE(ids));
}

static void step_control(u32 chan)
{
	struct mtl_msg_channel m;
	u64 buf[8];
	struct mtl_pkt_hdr *h = (void *)buf;

	hdr(h, 0x00ff, MTL_PKT_F_COMPLETION_REQUESTED, 16);
	raw("unknown type", h, 16);
	hdr(h, MTL_MSG_REQUEST_OFFERS, MTL_PKT_F_COMPLETION_REQUESTED, 16);
	h->len8 = 3;
	raw("len8 mismatch", h, 16);
	hdr(h, MTL_MSG_REQUEST_OFFERS, MTL_PKT_F_COMPLETION_REQUESTED, 16);
	h->reserved = 0x55;
	raw("reserved header bits", h, 16);
	hdr(h, MTL_MSG_REQUEST_OFFERS, 3, 16);
	raw("both completion flags", h, 16);
	hdr(h, 0x7a7a, 0, 64);
	memset(buf + 2, 0xa5, 48);
	raw("garbage packet", h, 64);
	bad_open("open unknown channel", 0x7777, 0x100000, 0x200000, 4);
	if (chan) {
		bad_open("open outside RAM", chan, 0xfffffff000ull,
			 0xffffffe000ull, 4);
		bad_open("open misaligned", chan, 0x100010, 0x200000, 4);
		bad_open("open log2 1", chan, 0x100000, 0x200000, 1);
		bad_open("open overlapping", chan, 0x100000, 0x100000, 4);
	}
	hdr(&m.hdr, MTL_MSG_CLOSE_CHANNEL, MTL_PKT_F_COMPLETION_REQUESTED,
	    sizeof(m));
	m.channel_id = 0x7777;
	raw("close unknown channel", &m, sizeof(m));
}

static int open_target(struct mantle_device *md)
{
	struct mantle_channel_params p = {
		.class_version =
			MTL_VERSION(MTL_VERSION_MAJOR(md->class_version), 0),
		.g2p_log2 = 4,
		.p2g_log2 = 4,
		.p2g_max_record = 512,
	};

	return mantle_channel_open(md, &p);
}

static void step_channel(struct mantle_device *md)
{
	struct mtl_ring_ctl *p2g;
	struct mtl_slot *g2p_slot0;
	u8 *g2p;
	int rc, i;

	rc = open_target(md);
	pr_info("mantle_bus_hostile: step open channel %u: %d\n",
		md->channel_id, rc);
	if (rc)
		return;
	g2p = mantle_channel_test_area(md, true);
	p2g = mantle_channel_test_area(md, false);
	WRITE_ONCE(p2g->cons_pos, 0x12345678);
	g2p_slot0 = (struct mtl_slot *)(g2p + MTL_RING_CTL_SIZE);
	WRITE_ONCE(g2p_slot0->hdr.len, 0xfffffff8);
	smp_store_release(&g2p_slot0->hdr.seq, 1);
	for (i = 0; i < 3; i++)
		mantle_bus_test_doorbell(md->channel_id);
	pr_info("mantle_bus_hostile: step garbage in the rings of channel %u\n",
		md->channel_id);
	mantle_channel_close(md);
	pr_info("mantle_bus_hostile: step closed channel %u\n", md->channel_id);
	rc = open_target(md);
	pr_info("mantle_bus_hostile: step reopen channel %u: %d\n",
		md->channel_id, rc);
	if (rc == 0)
		mantle_channel_close(md);
}

static int __init hostile_init(void)
{
	struct device *d = NULL;
	char name[24];

	step_doorbells();
	step_control(target);
	if (target) {
		snprintf(name, sizeof(name), "chan%u", target);
		d = bus_find_device_by_name(&mantle_bus_type, NULL, name);
		if (!d)
			pr_info("mantle_bus_hostile: step no device %s\n",
				name);
	}
	if (d) {
		device_lock(d);
		step_channel(to_mantle_device(d));
		device_unlock(d);
		put_device(d);
	}
	if (break_control) {
		mantle_bus_test_ctl_corrupt();
		pr_info("mantle_bus_hostile: step control ring broken\n");
	}
	pr_info("mantle_bus_hostile: done\n");
	return 0;
}

static void __exit hostile_exit(void)
{
}

module_init(hostile_init);
module_exit(hostile_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("TEST ONLY: breaks the Mantle pv bus protocol on purpose");
