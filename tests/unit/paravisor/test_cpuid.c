// SPDX-License-Identifier: MIT
/* The CPUID leaf builder: APIC ids, hypervisor bit, KVM's leaves kept,
 * Mantle's discovery block added, XSAVE leaf made consistent. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "cpuid.h"
#include "mantle_discovery.h"

static struct kvm_cpuid_entry2 ents[CPUID_MAX_ENTRIES];
static unsigned int n;

static void add(uint32_t fn, uint32_t idx, int sig_index, uint32_t a,
		uint32_t b, uint32_t c, uint32_t d)
{
	struct kvm_cpuid_entry2 *e = &ents[n++];

	memset(e, 0, sizeof(*e));
	e->function = fn;
	e->index = idx;
	e->flags = sig_index ? KVM_CPUID_FLAG_SIGNIFCANT_INDEX : 0;
	e->eax = a;
	e->ebx = b;
	e->ecx = c;
	e->edx = d;
}

/* Something like what KVM reports: AVX but no AVX-512 and no PKU, while
 * leaf 0xD offers PKRU too. */
static int setup(void **state)
{
	(void)state;
	n = 0;
	add(0, 0, 0, 0xD, 0x68747541, 0x444D4163, 0x69746E65);
	add(1, 0, 0, 0x00A00F11, 0x00010800, (1u << 28) | (1u << 26), 0);
	add(7, 0, 1, 0, 0, 0, 0);
	add(0xB, 0, 1, 0, 1, 0x100, 0);
	add(0xB, 1, 1, 0, 1, 0x201, 0);
	add(0xD, 0, 1, 0x207, 2696, 2696, 0);
	add(0xD, 1, 1, 0x1, 0, 0, 0);
	add(0xD, 2, 1, 256, 576, 0, 0);
	add(0xD, 9, 1, 8, 2688, 0, 0);
	add(0x40000000, 0, 0, 0x40000001, 0x4B4D564B, 0x564B4D56, 0x4D);
	add(0x40000001, 0, 0, 0x01007AFB, 0, 0, 0);
	add(MTL_CPUID_BLOCK_DEFAULT + 3, 0, 0, 0xDEAD, 0, 0, 0); /* stray */
	return 0;
}

static struct cpuid_opts opts(unsigned int apic)
{
	return (struct cpuid_opts){ .apic_id = apic,
				    .cpus = 2,
				    .tsc_deadline = 1,
				    .mantle_base = MTL_CPUID_BLOCK_DEFAULT };
}

static const struct kvm_cpuid_entry2 *find(unsigned int cnt, uint32_t fn,
					   uint32_t idx)
{
	const struct kvm_cpuid_entry2 *e = cpuid_find(ents, cnt, fn, idx);

	assert_non_null(e);
	return e;
}

static void test_apic_id_and_hypervisor_bit(void **state)
{
	struct cpuid_opts o = opts(1);
	int cnt = cpuid_build(ents, n, CPUID_MAX_ENTRIES, &o);
	const struct kvm_cpuid_entry2 *e;

	(void)state;
	assert_true(cnt > 0);
	e = find((unsigned int)cnt, 1, 0);
	assert_int_equal(e->ebx >> 24, 1);
	assert_int_equal(e->ebx & 0xFFFFFF, 0x010800);
	assert_true(e->ecx & (1u << 31));
	assert_true(e->ecx & (1u << 24)); /* TSC deadline */
	assert_int_equal(find((unsigned int)cnt, 0xB, 0)->edx, 1);
	assert_int_equal(find((unsigned int)cnt, 0xB, 1)->edx, 1);
	assert_int_equal(find((unsigned int)cnt, 0xB, 1)->ecx, 0x201);
}

static void test_kvm_leaves_kept(void **state)
{
	struct cpuid_opts o = opts(0);
	int cnt = cpuid_build(ents, n, CPUID_MAX_ENTRIES, &o);
	const struct kvm_cpuid_entry2 *e;

	(void)state;
	e = find((unsigned int)cnt, 0x40000000, 0);
	assert_int_equal(e->eax, 0x40000001);
	assert_int_equal(e->ebx, 0x4B4D564B);
	assert_int_equal(find((unsigned int)cnt, 0x40000001, 0)->eax,
			 0x01007AFB);
}

static void test_mantle_block(void **state)
{
	struct cpuid_opts o = opts(0);
	int cnt = cpuid_build(ents, n, CPUID_MAX_ENTRIES, &o);
	const uint32_t b = MTL_CPUID_BLOCK_DEFAULT;
	struct mtl_cpuid_regs sig;
	const struct kvm_cpuid_entry2 *e;
	unsigned int in_block = 0;

	(void)state;
	e = find((unsigned int)cnt, b, 0);
	sig = (struct mtl_cpuid_regs){ e->eax, e->ebx, e->ecx, e->edx };
	assert_true(mtl_cpuid_is_signature(&sig));
	assert_int_equal(e->eax, b + MTL_CPUID_NR_LEAVES - 1);
	e = find((unsigned int)cnt, b + MTL_CPUID_LEAF_VERSION, 0);
	assert_int_equal(e->eax, MTL_VERSION_1_0);
	assert_int_equal(e->ebx, MTL_VERSION_1_0);
	assert_int_equal(e->ecx, MTL_CPUID_BLOCK_REVISION);
	/* The stray entry in the block is gone; the block has 5 leaves. */
	assert_int_equal(find((unsigned int)cnt, b + 3, 0)->eax, 0);
	for (int i = 0; i < cnt; i++)
		if (ents[i].function >= b && ents[i].function < b + 0x100)
			in_block++;
	assert_int_equal(in_block, MTL_CPUID_NR_LEAVES);
}

static void test_xsave_consistent(void **state)
{
	struct cpuid_opts o = opts(0);
	int cnt = cpuid_build(ents, n, CPUID_MAX_ENTRIES, &o);
	const struct kvm_cpuid_entry2 *e;

	(void)state;
	e = find((unsigned int)cnt, 0xD, 0);
	/* PKRU dropped (no PKU flag); x87, SSE and AVX stay. */
	assert_int_equal(e->eax, 0x7);
	assert_int_equal(e->ecx, 576 + 256);
	assert_int_equal(e->ebx, 576 + 256);
}

static void test_xsave_partial_avx512(void **state)
{
	struct cpuid_opts o = opts(0);
	int cnt;

	(void)state;
	/* AVX-512F flagged, but leaf 0xD offers only one of its 3 states. */
	for (unsigned int i = 0; i < n; i++) {
		if (ents[i].function == 7)
			ents[i].ebx |= 1u << 16;
		if (ents[i].function == 0xD && ents[i].index == 0)
			ents[i].eax = 0x27;
	}
	cnt = cpuid_build(ents, n, CPUID_MAX_ENTRIES, &o);
	assert_int_equal(find((unsigned int)cnt, 0xD, 0)->eax, 0x7);
}

static void test_errors(void **state)
{
	struct cpuid_opts o = opts(0);

	(void)state;
	o.mantle_base = 0x40000000; /* KVM's own base */
	assert_int_equal(cpuid_build(ents, n, CPUID_MAX_ENTRIES, &o), -1);
	o.mantle_base = 0x40000210; /* misaligned */
	assert_int_equal(cpuid_build(ents, n, CPUID_MAX_ENTRIES, &o), -1);
	o.mantle_base = MTL_CPUID_BLOCK_DEFAULT;
	assert_int_equal(cpuid_build(ents, n, n + 2, &o), -1); /* no room */
	assert_null(cpuid_find(ents, n, 0x80000008, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_apic_id_and_hypervisor_bit, setup),
		cmocka_unit_test_setup(test_kvm_leaves_kept, setup),
		cmocka_unit_test_setup(test_mantle_block, setup),
		cmocka_unit_test_setup(test_xsave_consistent, setup),
		cmocka_unit_test_setup(test_xsave_partial_avx512, setup),
		cmocka_unit_test_setup(test_errors, setup),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
