// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit tests of mantle_pipe.ko's pure parts (pipe/pipe_msg.c): the pipe name
 * carried in the offer's instance id, and PIPE_DATA packets as built for the
 * G2P ring and checked when they arrive on P2G.
 */
#include <kunit/test.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "pipe_msg.h"

static int name_of(const char *bytes, size_t n, char *name)
{
	u8 id[16] = { 0 };

	memcpy(id, bytes, n);
	return mpipe_name_from_instance(id, name);
}

static void pipe_names_accepted(struct kunit *test)
{
	char name[MPIPE_NAME_MAX + 1];

	KUNIT_EXPECT_EQ(test, name_of("console", 7, name), 0);
	KUNIT_EXPECT_STREQ(test, name, "console");
	KUNIT_EXPECT_EQ(test, name_of("a", 1, name), 0);
	KUNIT_EXPECT_STREQ(test, name, "a");
	KUNIT_EXPECT_EQ(test, name_of("abc-def_0123456", 15, name), 0);
	KUNIT_EXPECT_STREQ(test, name, "abc-def_0123456");
}

static void pipe_names_refused(struct kunit *test)
{
	static const char *const bad[] = { "Console", "a/b", "a.b", "a b",
					   "..",      "a\n", "\xff" };
	char name[MPIPE_NAME_MAX + 1];
	u8 id[16];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++)
		KUNIT_EXPECT_EQ_MSG(test, name_of(bad[i], strlen(bad[i]), name),
				    -EINVAL, "\"%s\"", bad[i]);
	/* empty */
	KUNIT_EXPECT_EQ(test, name_of("", 0, name), -EINVAL);
	/* 16 characters: no room for the NUL */
	memset(id, 'a', sizeof(id));
	KUNIT_EXPECT_EQ(test, mpipe_name_from_instance(id, name), -EINVAL);
	/* a byte after the padding starts */
	memset(id, 0, sizeof(id));
	id[0] = 'a';
	id[15] = 'b';
	KUNIT_EXPECT_EQ(test, mpipe_name_from_instance(id, name), -EINVAL);
}

static void pipe_packets_round_trip(struct kunit *test)
{
	struct mtl_pipe_data *p = kunit_kzalloc(test, 16384, GFP_KERNEL);
	u32 n, len, got;

	KUNIT_ASSERT_NOT_NULL(test, p);
	KUNIT_EXPECT_EQ(test, mpipe_payload_max(16384), 16360u);
	KUNIT_EXPECT_EQ(test, mpipe_payload_max(24), 0u);
	for (n = 1; n <= 16360; n = n < 64 ? n + 1 : n * 3 + 1) {
		memset(p->data, 0xA5, n);
		memset(p->data + n, 0xEE, 8); /* the padding must be zeroed */
		len = mpipe_pack(p, n);
		KUNIT_EXPECT_EQ(test, len % 8, 0u);
		KUNIT_EXPECT_EQ(test, len, (u32)ALIGN(24 + n, 8));
		KUNIT_EXPECT_EQ(test, mtl_pkt_check(p, len),
				(u32)MTL_STATUS_OK);
		KUNIT_ASSERT_EQ(test, mpipe_unpack(p, len, &got), 0);
		KUNIT_EXPECT_EQ(test, got, n);
	}
	len = mpipe_pack(p, mpipe_payload_max(16384));
	KUNIT_EXPECT_EQ(test, len, 16384u);
}

static void pipe_packets_hostile(struct kunit *test)
{
	struct mtl_pipe_data *p = kunit_kzalloc(test, 64, GFP_KERNEL);
	u32 len, got;

	KUNIT_ASSERT_NOT_NULL(test, p);
	len = mpipe_pack(p, 5);
	p->data[6] = 1; /* nonzero padding */
	KUNIT_EXPECT_EQ(test, mpipe_unpack(p, len, &got), -EBADMSG);
	len = mpipe_pack(p, 5);
	p->byte_count = 0;
	KUNIT_EXPECT_EQ(test, mpipe_unpack(p, len, &got), -EBADMSG);
	len = mpipe_pack(p, 5);
	p->byte_count = 9; /* past the packet */
	KUNIT_EXPECT_EQ(test, mpipe_unpack(p, len, &got), -EBADMSG);
	len = mpipe_pack(p, 16);
	p->byte_count = 8; /* 8 bytes of padding: too much */
	KUNIT_EXPECT_EQ(test, mpipe_unpack(p, len, &got), -EBADMSG);
	len = mpipe_pack(p, 5);
	p->hdr.flags =
		MTL_PKT_F_COMPLETION_REQUESTED; /* pipes complete nothing */
	KUNIT_EXPECT_EQ(test, mpipe_unpack(p, len, &got), -EBADMSG);
	len = mpipe_pack(p, 5);
	p->hdr.type = MTL_MSG_STORAGE_INFO;
	KUNIT_EXPECT_EQ(test, mpipe_unpack(p, len, &got), -EBADMSG);
	len = mpipe_pack(p, 5);
	p->reserved0 = 1;
	KUNIT_EXPECT_EQ(test, mpipe_unpack(p, len, &got), -EBADMSG);
	KUNIT_EXPECT_EQ(test, mpipe_unpack(p, 16, &got), -EBADMSG);
}

/* PIPE_EOF: a bare header without flags; anything else is malformed. */
static void pipe_eof(struct kunit *test)
{
	struct mtl_pkt_hdr h = { .type = MTL_MSG_PIPE_EOF, .len8 = 2 };
	u32 got;

	KUNIT_EXPECT_EQ(test, mtl_pkt_check(&h, sizeof(h)), (u32)MTL_STATUS_OK);
	KUNIT_EXPECT_EQ(test, mpipe_unpack(&h, sizeof(h), &got), 1);
	h.flags = MTL_PKT_F_COMPLETION;
	KUNIT_EXPECT_EQ(test, mpipe_unpack(&h, sizeof(h), &got), -EBADMSG);
}

static struct kunit_case mantle_pipe_cases[] = {
	KUNIT_CASE(pipe_names_accepted),
	KUNIT_CASE(pipe_names_refused),
	KUNIT_CASE(pipe_packets_round_trip),
	KUNIT_CASE(pipe_packets_hostile),
	KUNIT_CASE(pipe_eof),
	{}
};

static struct kunit_suite mantle_pipe_suite = {
	.name = "mantle_pipe",
	.test_cases = mantle_pipe_cases,
};
kunit_test_suite(mantle_pipe_suite);
