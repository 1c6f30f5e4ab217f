// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of mantle_bus.ko's pure parts (bus/bus_msg.c): the control
 * messages it builds, checked by the same protocol code the paravisor runs
 * (mtl_pkt_check, mtl_negotiate); the responses and offers it parses,
 * including a paravisor that breaks the rules; and the offer-to-device rules
 * (offer table, modalias, instance id, class matching).
 */
#include <kunit/test.h>
#include <linux/string.h>

#include "mantle_bus.h"
#include "bus_msg.h"

/* --- versions= ----------------------------------------------------------- */

static void versions_param_parses(struct kunit *test)
{
	u32 v[MTL_MAX_OFFERED_VERSIONS];

	KUNIT_EXPECT_EQ(test, mbus_parse_versions("1.0", v, 8), 1);
	KUNIT_EXPECT_EQ(test, v[0], MTL_VERSION(1, 0));
	KUNIT_EXPECT_EQ(test, mbus_parse_versions("2.3,1.0\n", v, 8), 2);
	KUNIT_EXPECT_EQ(test, v[0], MTL_VERSION(2, 3));
	KUNIT_EXPECT_EQ(test, v[1], MTL_VERSION(1, 0));
	KUNIT_EXPECT_EQ(test, mbus_parse_versions("65535.65535", v, 8), 1);
	KUNIT_EXPECT_EQ(test, v[0], MTL_VERSION(65535, 65535));
}

static void versions_param_rejects(struct kunit *test)
{
	static const char *const bad[] = {
		"",	"1",	   "1.",       ".1",	  "1.0,",
		"0.1",	"65536.0", "1.65536",  "1.0x",	  "1,0",
		"-1.0", " 1.0",	   "1.0,,2.0", "1.0 2.0", "1234567.0",
	};
	u32 v[MTL_MAX_OFFERED_VERSIONS];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, mbus_parse_versions(bad[i], v, 8),
				    -EINVAL, "\"%s\"", bad[i]);
	KUNIT_EXPECT_EQ(test, mbus_parse_versions(NULL, v, 8), -EINVAL);
	/* More than the table holds. */
	KUNIT_EXPECT_EQ(test,
			mbus_parse_versions(
				"1.0,1.1,1.2,1.3,1.4,1.5,1.6,1.7,1.8", v, 8),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, mbus_parse_versions("1.0,1.1", v, 1), -EINVAL);
}

/* --- VERSION_REQUEST / VERSION_RESPONSE ------------------------------------ */

static void version_request_negotiates(struct kunit *test)
{
	struct mtl_msg_version_request req;
	struct mtl_msg_version_response resp;
	struct mbus_version v;
	u32 offered[] = { MTL_VERSION(1, 0) };

	mbus_build_version_request(&req, offered, 1, MTL_F_EVENT_IDX, 42);
	KUNIT_EXPECT_EQ(test, mtl_pkt_check(&req, sizeof(req)),
			(u32)MTL_STATUS_OK);
	KUNIT_EXPECT_EQ(test, req.hdr.flags,
			(u16)MTL_PKT_F_COMPLETION_REQUESTED);
	KUNIT_EXPECT_EQ(test, req.versions[1], 0u);
	/* The paravisor's own negotiation answers it. */
	KUNIT_EXPECT_EQ(test,
			mtl_negotiate(&req, MTL_VERSION(1, 0),
				      MTL_VERSION(1, 2), MTL_F_KNOWN_1_0,
				      &resp),
			(u32)MTL_STATUS_OK);
	KUNIT_EXPECT_EQ(test, mtl_pkt_check(&resp, sizeof(resp)),
			(u32)MTL_STATUS_OK);
	KUNIT_ASSERT_EQ(
		test,
		mbus_parse_version_response(&resp, sizeof(resp), &req, &v), 0);
	KUNIT_EXPECT_EQ(test, v.status, (u32)MTL_STATUS_OK);
	KUNIT_EXPECT_EQ(test, v.version, MTL_VERSION(1, 0));
	KUNIT_EXPECT_EQ(test, v.features, (u64)MTL_F_EVENT_IDX);
	KUNIT_EXPECT_EQ(test, v.version_max, MTL_VERSION(1, 2));
}

/* Offering only major 2 to a 1.x paravisor: a clean refusal with its range. */
static void version_request_refused(struct kunit *test)
{
	struct mtl_msg_version_request req;
	struct mtl_msg_version_response resp;
	struct mbus_version v;
	u32 offered[] = { MTL_VERSION(2, 0) };

	mbus_build_version_request(&req, offered, 1, MTL_F_EVENT_IDX, 7);
	KUNIT_EXPECT_EQ(test,
			mtl_negotiate(&req, MTL_VERSION(1, 0),
				      MTL_VERSION(1, 0), MTL_F_KNOWN_1_0,
				      &resp),
			(u32)MTL_STATUS_VERSION_UNSUPPORTED);
	KUNIT_ASSERT_EQ(
		test,
		mbus_parse_version_response(&resp, sizeof(resp), &req, &v), 0);
	KUNIT_EXPECT_EQ(test, v.status, (u32)MTL_STATUS_VERSION_UNSUPPORTED);
	KUNIT_EXPECT_EQ(test, v.version_min, MTL_VERSION(1, 0));
	KUNIT_EXPECT_EQ(test, v.version_max, MTL_VERSION(1, 0));
}

/* A paravisor that picks what it was not offered is caught. */
static void version_response_hostile(struct kunit *test)
{
	struct mtl_msg_version_request req;
	struct mtl_msg_version_response good, r;
	struct mbus_version v;
	u32 offered[] = { MTL_VERSION(1, 0) };

	mbus_build_version_request(&req, offered, 1, MTL_F_EVENT_IDX, 9);
	mtl_negotiate(&req, MTL_VERSION(1, 0), MTL_VERSION(1, 0),
		      MTL_F_KNOWN_1_0, &good);

	r = good;
	r.version = MTL_VERSION(1, 1); /* a newer minor than offered */
	KUNIT_EXPECT_EQ(test,
			mbus_parse_version_response(&r, sizeof(r), &req, &v),
			-EPROTO);
	r = good;
	r.version = MTL_VERSION(2, 0);
	KUNIT_EXPECT_EQ(test,
			mbus_parse_version_response(&r, sizeof(r), &req, &v),
			-EPROTO);
	r = good;
	r.features |= MTL_F_CHANNEL_RESET; /* not offered */
	KUNIT_EXPECT_EQ(test,
			mbus_parse_version_response(&r, sizeof(r), &req, &v),
			-EPROTO);
	r = good;
	r.hdr.txid = 10;
	KUNIT_EXPECT_EQ(test,
			mbus_parse_version_response(&r, sizeof(r), &req, &v),
			-EPROTO);
	r = good;
	r.status = MTL_STATUS_VERSION_UNSUPPORTED; /* refusal with a version */
	KUNIT_EXPECT_EQ(test,
			mbus_parse_version_response(&r, sizeof(r), &req, &v),
			-EPROTO);
	r = good;
	r.hdr.type = MTL_MSG_OPEN_RESULT;
	KUNIT_EXPECT_EQ(test,
			mbus_parse_version_response(&r, sizeof(r), &req, &v),
			-EPROTO);
	KUNIT_EXPECT_EQ(
		test,
		mbus_parse_version_response(&good, sizeof(good) - 8, &req, &v),
		-EPROTO);
}

/* --- offers ------------------------------------------------------------------ */

static void good_offer(struct mtl_msg_offer *o)
{
	memset(o, 0, sizeof(*o));
	o->hdr.type = MTL_MSG_OFFER;
	o->hdr.len8 = sizeof(*o) / 8;
	o->channel_id = 5;
	o->device_class = MTL_CLASS_PIPE;
	o->class_version = MTL_VERSION(1, 0);
	o->max_record = 4096;
	memcpy(o->instance_id, "console", 7);
}

static void request_offers_is_bare_header(struct kunit *test)
{
	struct mtl_pkt_hdr h;

	mbus_build_request_offers(&h, 3);
	KUNIT_EXPECT_EQ(test, mtl_pkt_check(&h, sizeof(h)), (u32)MTL_STATUS_OK);
	KUNIT_EXPECT_EQ(test, h.type, (u16)MTL_MSG_REQUEST_OFFERS);
	KUNIT_EXPECT_EQ(test, h.txid, 3ull);
	KUNIT_EXPECT_EQ(test, mbus_response_type(h.type),
			(u16)MTL_MSG_ALL_OFFERS_DELIVERED);
}

static void offer_parses(struct kunit *test)
{
	struct mtl_msg_offer o;
	struct mbus_offer out;

	good_offer(&o);
	KUNIT_EXPECT_EQ(test, mtl_pkt_check(&o, sizeof(o)), (u32)MTL_STATUS_OK);
	KUNIT_ASSERT_EQ(test, mbus_parse_offer(&o, sizeof(o), &out), 0);
	KUNIT_EXPECT_EQ(test, out.channel_id, 5u);
	KUNIT_EXPECT_EQ(test, out.device_class, (u16)MTL_CLASS_PIPE);
	KUNIT_EXPECT_EQ(test, out.max_record, 4096u);
	KUNIT_EXPECT_EQ(test, memcmp(out.instance_id, "console\0\0", 9), 0);
}

static void offer_rejects(struct kunit *test)
{
	struct mtl_msg_offer o;
	struct mbus_offer out;
	int i;

	for (i = 0; i < 10; i++) {
		good_offer(&o);
		switch (i) {
		case 0:
			o.channel_id = 0;
			break;
		case 1:
			o.channel_id = MTL_DOORBELL_BUS_RESET;
			break;
		case 2:
			o.max_record = 56;
			break;
		case 3:
			o.max_record = 4100;
			break;
		case 4:
			o.max_record = MTL_RING_RECORD_MAX + 8;
			break;
		case 5:
			o.reserved0 = 1;
			break;
		case 6:
			o.reserved1 = 1;
			break;
		case 7:
			o.flags = 1;
			break;
		case 8:
			o.device_class = 0;
			break;
		case 9:
			o.class_version = 0;
			break;
		}
		KUNIT_EXPECT_EQ_MSG(test, mbus_parse_offer(&o, sizeof(o), &out),
				    -EPROTO, "case %d", i);
	}
	good_offer(&o);
	KUNIT_EXPECT_EQ(test, mbus_parse_offer(&o, sizeof(o) - 8, &out),
			-EPROTO);
	o.hdr.type = MTL_MSG_OPEN_RESULT;
	KUNIT_EXPECT_EQ(test, mbus_parse_offer(&o, sizeof(o), &out), -EPROTO);
}

static void offer_table(struct kunit *test)
{
	struct mbus_offer tab[3], o = { .channel_id = 1, .device_class = 3 };
	u32 n = 0;

	KUNIT_EXPECT_EQ(test, mbus_offer_add(tab, &n, 3, &o), 0);
	KUNIT_EXPECT_EQ(test, mbus_offer_add(tab, &n, 3, &o), -EEXIST);
	o.channel_id = 2;
	KUNIT_EXPECT_EQ(test, mbus_offer_add(tab, &n, 3, &o), 0);
	o.channel_id = 3;
	KUNIT_EXPECT_EQ(test, mbus_offer_add(tab, &n, 3, &o), 0);
	o.channel_id = 4;
	KUNIT_EXPECT_EQ(test, mbus_offer_add(tab, &n, 3, &o), -ENOSPC);
	KUNIT_EXPECT_EQ(test, n, 3u);
	KUNIT_EXPECT_EQ(test, tab[1].channel_id, 2u);
}

static void offers_done_counts(struct kunit *test)
{
	struct mtl_msg_offers_done d = {
		.hdr = { .type = MTL_MSG_ALL_OFFERS_DELIVERED,
			 .flags = MTL_PKT_F_COMPLETION,
			 .len8 = sizeof(d) / 8 },
		.nr_offers = 2,
	};

	KUNIT_EXPECT_EQ(test, mtl_pkt_check(&d, sizeof(d)), (u32)MTL_STATUS_OK);
	KUNIT_EXPECT_EQ(test, mbus_parse_offers_done(&d, sizeof(d), 2), 0);
	KUNIT_EXPECT_EQ(test, mbus_parse_offers_done(&d, sizeof(d), 3),
			-EPROTO);
	d.reserved0 = 1;
	KUNIT_EXPECT_EQ(test, mbus_parse_offers_done(&d, sizeof(d), 2),
			-EPROTO);
}

/* --- channels ----------------------------------------------------------------- */

static void open_channel_built(struct kunit *test)
{
	struct mtl_msg_open_channel m;

	mbus_build_open(&m, 7, MTL_VERSION(1, 0), 0x100000, 0x200000, 10, 9,
			16384, 11);
	KUNIT_EXPECT_EQ(test, mtl_pkt_check(&m, sizeof(m)), (u32)MTL_STATUS_OK);
	KUNIT_EXPECT_EQ(test, m.hdr.flags, (u16)MTL_PKT_F_COMPLETION_REQUESTED);
	KUNIT_EXPECT_EQ(test, m.channel_id, 7u);
	KUNIT_EXPECT_EQ(test, m.g2p_ring_gpa, 0x100000ull);
	KUNIT_EXPECT_EQ(test, m.p2g_ring_gpa, 0x200000ull);
	KUNIT_EXPECT_EQ(test, m.g2p_log2, (u8)10);
	KUNIT_EXPECT_EQ(test, m.p2g_log2, (u8)9);
	KUNIT_EXPECT_EQ(test, m.reserved0, (u16)0);
	KUNIT_EXPECT_EQ(test, m.max_record, 16384u);
	KUNIT_EXPECT_EQ(test, mbus_response_type(m.hdr.type),
			(u16)MTL_MSG_OPEN_RESULT);
}

static void class_version_rules(struct kunit *test)
{
	KUNIT_EXPECT_TRUE(test, mbus_class_version_ok(MTL_VERSION(1, 2),
						      MTL_VERSION(1, 0)));
	KUNIT_EXPECT_TRUE(test, mbus_class_version_ok(MTL_VERSION(1, 2),
						      MTL_VERSION(1, 2)));
	KUNIT_EXPECT_FALSE(test, mbus_class_version_ok(MTL_VERSION(1, 2),
						       MTL_VERSION(1, 3)));
	KUNIT_EXPECT_FALSE(test, mbus_class_version_ok(MTL_VERSION(2, 1),
						       MTL_VERSION(1, 0)));
	KUNIT_EXPECT_FALSE(test, mbus_class_version_ok(MTL_VERSION(1, 0), 0));
}

static void close_and_results(struct kunit *test)
{
	struct mtl_msg_channel m;
	struct mtl_msg_result r = {
		.hdr = { .type = MTL_MSG_CLOSE_RESULT,
			 .flags = MTL_PKT_F_COMPLETION,
			 .len8 = sizeof(r) / 8 },
		.channel_id = 4,
		.status = MTL_STATUS_OK,
	};
	u32 st = 99;

	mbus_build_channel_msg(&m, MTL_MSG_CLOSE_CHANNEL, 4, 12);
	KUNIT_EXPECT_EQ(test, mtl_pkt_check(&m, sizeof(m)), (u32)MTL_STATUS_OK);
	KUNIT_EXPECT_EQ(test, m.channel_id, 4u);
	KUNIT_EXPECT_EQ(test, mbus_response_type(m.hdr.type),
			(u16)MTL_MSG_CLOSE_RESULT);
	KUNIT_EXPECT_EQ(test, mbus_response_type(MTL_MSG_RESET_CHANNEL),
			(u16)MTL_MSG_RESET_RESULT);
	KUNIT_EXPECT_EQ(test, mbus_response_type(MTL_MSG_OFFER), (u16)0);
	KUNIT_EXPECT_EQ(test, mbus_parse_result(&r, sizeof(r), 4, &st), 0);
	KUNIT_EXPECT_EQ(test, st, (u32)MTL_STATUS_OK);
	KUNIT_EXPECT_EQ(test, mbus_parse_result(&r, sizeof(r), 5, &st),
			-EPROTO);
	r.status = MTL_STATUS_COUNT;
	KUNIT_EXPECT_EQ(test, mbus_parse_result(&r, sizeof(r), 4, &st),
			-EPROTO);
	r.status = MTL_STATUS_PROTOCOL_ERROR;
	KUNIT_EXPECT_EQ(test, mbus_parse_result(&r, sizeof(r), 4, &st), 0);
	KUNIT_EXPECT_EQ(test, st, (u32)MTL_STATUS_PROTOCOL_ERROR);
	KUNIT_EXPECT_EQ(test, mbus_parse_result(&r, 16, 4, &st), -EPROTO);
}

/* --- device naming and matching -------------------------------------------------- */

static void device_names(struct kunit *test)
{
	static const u8 id[16] = { 0x63, 0x6f, 0x6e, 0, 0, 0, 0, 0,
				   0,	 0,    0,    0, 0, 0, 0, 0xfe };
	char alias[MBUS_MODALIAS_LEN], hex[MBUS_INSTANCE_LEN];

	mbus_modalias(MTL_CLASS_PIPE, alias, sizeof(alias));
	KUNIT_EXPECT_STREQ(test, alias, "mantle:c0003");
	mbus_modalias(0xABCD, alias, sizeof(alias));
	KUNIT_EXPECT_STREQ(test, alias, "mantle:cABCD");
	mbus_instance_hex(id, hex);
	KUNIT_EXPECT_STREQ(test, hex, "636f6e000000000000000000000000fe");
}

static void class_matching(struct kunit *test)
{
	static const struct mantle_device_id ids[] = {
		{ .device_class = MTL_CLASS_STORAGE, .driver_data = 1 },
		{ .device_class = MTL_CLASS_PIPE, .driver_data = 3 },
		{}
	};

	KUNIT_ASSERT_NOT_NULL(test, mbus_match_class(ids, MTL_CLASS_PIPE));
	KUNIT_EXPECT_EQ(
		test, mbus_match_class(ids, MTL_CLASS_PIPE)->driver_data, 3ul);
	KUNIT_EXPECT_NULL(test, mbus_match_class(ids, MTL_CLASS_ATTEST));
	KUNIT_EXPECT_NULL(test, mbus_match_class(ids, 0));
	KUNIT_EXPECT_NULL(test, mbus_match_class(NULL, MTL_CLASS_PIPE));
}

static void status_names(struct kunit *test)
{
	u32 s;

	for (s = 0; s < MTL_STATUS_COUNT; s++)
		KUNIT_EXPECT_STRNEQ(test, mbus_status_name(s), "?");
	KUNIT_EXPECT_STREQ(test, mbus_status_name(MTL_STATUS_COUNT), "?");
	KUNIT_EXPECT_STREQ(test, mbus_status_name(MTL_STATUS_PROTOCOL_ERROR),
			   "PROTOCOL_ERROR");
}

static struct kunit_case mantle_bus_cases[] = {
	KUNIT_CASE(versions_param_parses),
	KUNIT_CASE(versions_param_rejects),
	KUNIT_CASE(version_request_negotiates),
	KUNIT_CASE(version_request_refused),
	KUNIT_CASE(version_response_hostile),
	KUNIT_CASE(request_offers_is_bare_header),
	KUNIT_CASE(offer_parses),
	KUNIT_CASE(offer_rejects),
	KUNIT_CASE(offer_table),
	KUNIT_CASE(offers_done_counts),
	KUNIT_CASE(open_channel_built),
	KUNIT_CASE(class_version_rules),
	KUNIT_CASE(close_and_results),
	KUNIT_CASE(device_names),
	KUNIT_CASE(class_matching),
	KUNIT_CASE(status_names),
	{}
};

static struct kunit_suite mantle_bus_suite = {
	.name = "mantle_bus",
	.test_cases = mantle_bus_cases,
};
kunit_test_suite(mantle_bus_suite);
