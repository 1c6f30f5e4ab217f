// SPDX-License-Identifier: MIT
/* Version and feature negotiation, and CPUID discovery decoding, checked
 * against every combination of the versions and features below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "mantle_proto.h"

#define V MTL_VERSION

/* Paravisor ranges and guest offers, covering: below, inside, above, other
 * majors, and minors past the paravisor's. */
static const mtl_u32 ranges[][2] = {
	{ V(1, 0), V(1, 0) }, { V(1, 0), V(1, 3) }, { V(1, 2), V(1, 5) },
	{ V(1, 4), V(2, 1) }, { V(2, 0), V(2, 0) }, { V(3, 1), V(4, 2) },
};
static const mtl_u32 offers[] = {
	V(0, 9), V(1, 0), V(1, 1), V(1, 3), V(1, 7),
	V(2, 0), V(2, 5), V(3, 0), V(4, 9), V(0xFFFF, 0xFFFF),
};
#define NR_RANGES (sizeof(ranges) / sizeof(ranges[0]))
#define NR_OFFERS (sizeof(offers) / sizeof(offers[0]))

/* Reference model: the guest speaks (M, 0..m); the paravisor every version
 * numerically in [lo, hi]. The answer is the highest version in both. */
static mtl_u32 model(mtl_u32 offered, mtl_u32 lo, mtl_u32 hi)
{
	mtl_u32 m;

	for (m = MTL_VERSION_MINOR(offered) + 1; m-- > 0;) {
		mtl_u32 v = V(MTL_VERSION_MAJOR(offered), m);

		if (v >= lo && v <= hi)
			return v;
	}
	return 0;
}

static void test_pick_every_single_offer(void **state)
{
	size_t r, o;

	(void)state;
	for (r = 0; r < NR_RANGES; r++)
		for (o = 0; o < NR_OFFERS; o++)
			assert_int_equal(
				mtl_version_pick(offers[o], ranges[r][0],
						 ranges[r][1]),
				model(offers[o], ranges[r][0], ranges[r][1]));
	/* Spot checks of the model itself. */
	assert_int_equal(mtl_version_pick(V(1, 7), V(1, 0), V(1, 3)), V(1, 3));
	assert_int_equal(mtl_version_pick(V(1, 1), V(1, 2), V(1, 5)), 0);
	assert_int_equal(mtl_version_pick(V(2, 0), V(1, 0), V(1, 3)), 0);
	assert_int_equal(mtl_version_pick(V(2, 5), V(1, 4), V(2, 1)), V(2, 1));
}

static void request(struct mtl_msg_version_request *req, const mtl_u32 *v,
		    mtl_u32 n, mtl_u64 features)
{
	mtl_u32 i;

	memset(req, 0, sizeof(*req));
	req->hdr.type = MTL_MSG_VERSION_REQUEST;
	req->hdr.len8 = sizeof(*req) / 8;
	req->hdr.flags = MTL_PKT_F_COMPLETION_REQUESTED;
	req->hdr.txid = 0x1122334455667788ull;
	req->nr_versions = n;
	for (i = 0; i < n; i++)
		req->versions[i] = v[i];
	req->features = features;
}

static void test_negotiate_every_pair_of_offers(void **state)
{
	struct mtl_msg_version_request req;
	struct mtl_msg_version_response resp;
	size_t r, a, b;

	(void)state;
	for (r = 0; r < NR_RANGES; r++)
		for (a = 0; a < NR_OFFERS; a++)
			for (b = 0; b < NR_OFFERS; b++) {
				mtl_u32 lo = ranges[r][0], hi = ranges[r][1];
				mtl_u32 list[2] = { offers[a], offers[b] };
				mtl_u32 ma = model(offers[a], lo, hi);
				mtl_u32 mb = model(offers[b], lo, hi);
				mtl_u32 want = ma > mb ? ma : mb;
				mtl_u32 st;

				request(&req, list, 2, ~0ull);
				st = mtl_negotiate(&req, lo, hi, ~0ull, &resp);
				assert_int_equal(st, resp.status);
				assert_int_equal(resp.version, want);
				assert_int_equal(
					resp.status,
					want ? MTL_STATUS_OK :
					       MTL_STATUS_VERSION_UNSUPPORTED);
				/* The range is always reported. */
				assert_int_equal(resp.version_min, lo);
				assert_int_equal(resp.version_max, hi);
				assert_int_equal(resp.hdr.txid, req.hdr.txid);
				assert_int_equal(resp.hdr.flags,
						 MTL_PKT_F_COMPLETION);
				assert_int_equal(
					mtl_pkt_check(&resp, sizeof(resp)),
					MTL_STATUS_OK);
				if (!want)
					assert_int_equal(resp.features, 0);
			}
}

static void test_incompatible_major_refused_cleanly(void **state)
{
	struct mtl_msg_version_request req;
	struct mtl_msg_version_response resp;
	mtl_u32 list[] = { V(2, 0), V(3, 4) };

	(void)state;
	request(&req, list, 2, MTL_F_KNOWN_1_0);
	assert_int_equal(mtl_negotiate(&req, MTL_VERSION_1_0, MTL_VERSION_1_0,
				       MTL_F_KNOWN_1_0, &resp),
			 MTL_STATUS_VERSION_UNSUPPORTED);
	assert_int_equal(resp.version, 0);
	assert_int_equal(resp.features, 0);
	assert_int_equal(resp.version_min, MTL_VERSION_1_0);
}

static void test_features_every_combination(void **state)
{
	/* Two 1.0 bits, one unknown low bit and the top bit. */
	static const mtl_u64 bits[] = { MTL_F_EVENT_IDX, MTL_F_CHANNEL_RESET,
					1ull << 5, 1ull << 63 };
	struct mtl_msg_version_request req;
	struct mtl_msg_version_response resp;
	mtl_u32 list[] = { MTL_VERSION_1_0 };
	unsigned int g, p, i;

	(void)state;
	for (g = 0; g < 16; g++)
		for (p = 0; p < 16; p++) {
			mtl_u64 gf = 0, pf = 0;

			for (i = 0; i < 4; i++) {
				if (g & (1u << i))
					gf |= bits[i];
				if (p & (1u << i))
					pf |= bits[i];
			}
			request(&req, list, 1, gf);
			assert_int_equal(mtl_negotiate(&req, MTL_VERSION_1_0,
						       V(1, 2), pf, &resp),
					 MTL_STATUS_OK);
			assert_int_equal(resp.features,
					 gf & pf & MTL_F_KNOWN_1_0);
			/* Unknown bits are never accepted. */
			assert_int_equal(resp.features & ~MTL_F_KNOWN_1_0, 0);
		}
}

static void test_malformed_requests(void **state)
{
	struct mtl_msg_version_request req;
	struct mtl_msg_version_response resp;
	mtl_u32 list[9] = { V(1, 0), V(1, 0), V(1, 0), V(1, 0), V(1, 0),
			    V(1, 0), V(1, 0), V(1, 0), V(1, 0) };

	(void)state;
	request(&req, list, 0, 0);
	assert_int_equal(mtl_negotiate(&req, V(1, 0), V(1, 0), 0, &resp),
			 MTL_STATUS_INVALID_MESSAGE);
	request(&req, list, 8, 0);
	req.nr_versions = 9;
	assert_int_equal(mtl_negotiate(&req, V(1, 0), V(1, 0), 0, &resp),
			 MTL_STATUS_INVALID_MESSAGE);
	request(&req, list, 2, 0);
	req.versions[5] = V(1, 0); /* beyond nr_versions */
	assert_int_equal(mtl_negotiate(&req, V(1, 0), V(1, 0), 0, &resp),
			 MTL_STATUS_INVALID_MESSAGE);
	request(&req, list, 2, 0);
	req.versions[1] = 0; /* hole inside the list */
	assert_int_equal(mtl_negotiate(&req, V(1, 0), V(1, 0), 0, &resp),
			 MTL_STATUS_INVALID_MESSAGE);
	request(&req, list, 1, 0);
	req.reserved0 = 1;
	assert_int_equal(mtl_negotiate(&req, V(1, 0), V(1, 0), 0, &resp),
			 MTL_STATUS_INVALID_MESSAGE);
	assert_int_equal(resp.version, 0);
	/* A paravisor with an inverted range accepts nothing. */
	request(&req, list, 1, 0);
	assert_int_equal(mtl_negotiate(&req, V(1, 2), V(1, 0), 0, &resp),
			 MTL_STATUS_VERSION_UNSUPPORTED);
}

static void block(struct mtl_cpuid_regs r[5], mtl_u32 base)
{
	memset(r, 0, 5 * sizeof(r[0]));
	r[0].eax = base + 4;
	r[0].ebx = MTL_CPUID_SIG_EBX;
	r[0].ecx = MTL_CPUID_SIG_ECX;
	r[0].edx = MTL_CPUID_SIG_EDX;
	r[1].eax = MTL_VERSION_1_0;
	r[1].ebx = V(1, 2);
	r[1].ecx = MTL_CPUID_BLOCK_REVISION;
	r[2].eax = (mtl_u32)MTL_F_KNOWN_1_0;
	r[3].eax = 0xfee00000u & ~0xFFFu;
	r[3].ebx = 0x1;
	r[3].ecx = 6;
	r[3].edx = 11;
	r[4].eax = MTL_DOORBELL_PIO;
	r[4].ebx = 0x5a0;
}

static void test_discovery_decode(void **state)
{
	struct mtl_cpuid_regs r[5];
	struct mtl_discovery d;

	(void)state;
	/* The signature spells "MantlePvisor". */
	block(r, MTL_CPUID_BLOCK_DEFAULT);
	assert_memory_equal(&r[0].ebx, "Mant", 4);
	assert_memory_equal(&r[0].ecx, "lePv", 4);
	assert_memory_equal(&r[0].edx, "isor", 4);
	assert_int_equal(mtl_discovery_decode(MTL_CPUID_BLOCK_DEFAULT, r, &d),
			 0);
	assert_int_equal(d.version_max, V(1, 2));
	assert_int_equal(d.features, MTL_F_KNOWN_1_0);
	assert_int_equal(d.bus_gpa, 0x1fee00000ull);
	assert_int_equal(d.bus_ring_log2, 6);
	assert_int_equal(d.bus_gsi, 11);
	assert_int_equal(d.doorbell_addr, 0x5a0);
}

static void test_discovery_rejects_bad_blocks(void **state)
{
	struct mtl_cpuid_regs r[5];
	struct mtl_discovery d;
	mtl_u32 b = 0x40000300u;

	(void)state;
	block(r, b);
	assert_int_equal(mtl_discovery_decode(b + 1, r, &d),
			 -1); /* unaligned */
	assert_int_equal(mtl_discovery_decode(0x3FFFFF00u, r, &d), -1);
	r[0].edx ^= 1; /* signature */
	assert_int_equal(mtl_discovery_decode(b, r, &d), -1);
	block(r, b);
	r[0].eax = b + 3; /* too few leaves */
	assert_int_equal(mtl_discovery_decode(b, r, &d), -1);
	block(r, b);
	r[1].eax = V(1, 3); /* min > max */
	assert_int_equal(mtl_discovery_decode(b, r, &d), -1);
	block(r, b);
	r[3].eax |= 0x800; /* bus area not page aligned */
	assert_int_equal(mtl_discovery_decode(b, r, &d), -1);
	block(r, b);
	r[3].ecx = 17; /* ring too big */
	assert_int_equal(mtl_discovery_decode(b, r, &d), -1);
	block(r, b);
	r[4].eax = 7; /* unknown doorbell */
	assert_int_equal(mtl_discovery_decode(b, r, &d), -1);
	block(r, b);
	r[4].ebx = 0x10000; /* no such port */
	assert_int_equal(mtl_discovery_decode(b, r, &d), -1);
	block(r, b);
	r[4].eax = MTL_DOORBELL_MMIO;
	r[4].ebx = 0xfed00002u; /* misaligned MMIO doorbell */
	assert_int_equal(mtl_discovery_decode(b, r, &d), -1);
	r[4].ebx = 0xfed00000u;
	assert_int_equal(mtl_discovery_decode(b, r, &d), 0);
	assert_int_equal(d.has_bus, 1);
}

static void test_discovery_without_bus(void **state)
{
	struct mtl_cpuid_regs r[5];
	struct mtl_discovery d;
	mtl_u32 b = MTL_CPUID_BLOCK_DEFAULT;

	(void)state;
	/* Leaves B+3 and B+4 all zero: discovery only, no bus offered. */
	block(r, b);
	memset(&r[3], 0, 2 * sizeof(r[3]));
	assert_int_equal(mtl_discovery_decode(b, r, &d), 0);
	assert_int_equal(d.has_bus, 0);
	assert_int_equal(d.version_min, MTL_VERSION_1_0);
	/* Half of a bus is still refused. */
	r[4].eax = MTL_DOORBELL_PIO;
	assert_int_equal(mtl_discovery_decode(b, r, &d), -1);
	block(r, b);
	r[4].eax = MTL_DOORBELL_NONE;
	r[4].ebx = 0;
	assert_int_equal(mtl_discovery_decode(b, r, &d), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pick_every_single_offer),
		cmocka_unit_test(test_negotiate_every_pair_of_offers),
		cmocka_unit_test(test_incompatible_major_refused_cleanly),
		cmocka_unit_test(test_features_every_combination),
		cmocka_unit_test(test_malformed_requests),
		cmocka_unit_test(test_discovery_decode),
		cmocka_unit_test(test_discovery_rejects_bad_blocks),
		cmocka_unit_test(test_discovery_without_bus),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
