// SPDX-License-Identifier: MIT
/*
 * The stall watchdog's pure parts: KVM's binary stats format against
 * hand-built stats files (well-formed, truncated, malformed), the stall
 * decision over successive samples, and the report of what a vCPU waits on
 * (LAPIC page, per-vCPU line, verdict). The watchdog on a real guest is in
 * test_kvm_smoke.c.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "kvm_stats.h"
#include "kvm_wait.h"
#include "mantle_bytes.h"
#include "stall.h"

#define NAME_SIZE 48
#define DESC_SIZE (KVM_STATS_DESC_FIXED + NAME_SIZE)
#define ID_OFF KVM_STATS_HDR_SIZE
#define DESC_OFF (ID_OFF + 16)

/* The descriptors of the hand-built file: ours among others, a histogram
 * of 32 values at the end, as x86 has. */
static const struct {
	const char *name;
	uint16_t size;
	uint32_t off;
} descs[] = {
	{ "halt_successful_poll", 1, 0 },
	{ "exits", 1, 8 },
	{ "halt_exits", 1, 16 },
	{ "halt_wakeup", 1, 24 },
	{ "blocking", 1, 32 },
	{ "halt_wait_hist", 32, 40 },
};
#define NDESC (sizeof(descs) / sizeof(descs[0]))
#define DATA_OFF (DESC_OFF + NDESC * DESC_SIZE)
#define DATA_SIZE (40 + 32 * 8)
#define FILE_SIZE (DATA_OFF + DATA_SIZE)

static uint8_t file[FILE_SIZE];

static void put_desc(uint8_t *d, const char *name, uint16_t size, uint32_t off)
{
	memset(d, 0, DESC_SIZE);
	put_le16(d + 6, size);
	put_le32(d + 8, off);
	strncpy((char *)d + KVM_STATS_DESC_FIXED, name, NAME_SIZE - 1);
}

/* A well-formed vCPU stats file; data value i is 1000 + i. */
static void build_file(void)
{
	memset(file, 0, sizeof(file));
	put_le32(file + 4, NAME_SIZE);
	put_le32(file + 8, NDESC);
	put_le32(file + 12, ID_OFF);
	put_le32(file + 16, DESC_OFF);
	put_le32(file + 20, DATA_OFF);
	memcpy(file + ID_OFF, "kvm-1/vcpu-0", 12);
	for (size_t i = 0; i < NDESC; i++)
		put_desc(file + DESC_OFF + i * DESC_SIZE, descs[i].name,
			 descs[i].size, descs[i].off);
	for (size_t i = 0; i < DATA_SIZE / 8; i++)
		put_le64(file + DATA_OFF + i * 8, 1000 + i);
}

static int parse_file(size_t len, struct kvm_stats_layout *l)
{
	struct kvm_stats_hdr h;

	if (kvm_stats_header_parse(file, len, &h) < 0)
		return -1;
	return kvm_stats_layout_parse(file, len, &h, l);
}

static void test_stats_good(void **state)
{
	struct kvm_stats_layout l;
	uint64_t v[KVM_STAT_COUNT];

	(void)state;
	build_file();
	assert_int_equal(parse_file(sizeof(file), &l), 0);
	assert_int_equal(l.data_offset, DATA_OFF);
	assert_int_equal(l.data_size, 40); /* up to "blocking", no more */
	for (int i = 0; i < KVM_STAT_COUNT; i++)
		assert_true(l.found[i]);
	assert_int_equal(kvm_stats_values(&l, file + DATA_OFF, DATA_SIZE, v),
			 0);
	assert_int_equal(v[KVM_STAT_EXITS], 1001);
	assert_int_equal(v[KVM_STAT_HALT_EXITS], 1002);
	assert_int_equal(v[KVM_STAT_HALT_WAKEUP], 1003);
	assert_int_equal(v[KVM_STAT_BLOCKING], 1004);
	/* The data block shorter than the counters need. */
	assert_int_equal(kvm_stats_values(&l, file + DATA_OFF, 39, v), -1);
}

/* Only the header and descriptors are needed to find the counters. */
static void test_stats_without_data(void **state)
{
	struct kvm_stats_layout l;

	(void)state;
	build_file();
	assert_int_equal(parse_file(DATA_OFF, &l), 0);
}

/* A kernel without halt_exits and blocking: the others still count;
 * without any progress counter the file is refused. */
static void test_stats_missing_counters(void **state)
{
	struct kvm_stats_layout l;
	uint64_t v[KVM_STAT_COUNT];

	(void)state;
	build_file();
	put_desc(file + DESC_OFF + 2 * DESC_SIZE, "other", 1, 16);
	put_desc(file + DESC_OFF + 4 * DESC_SIZE, "other2", 1, 32);
	assert_int_equal(parse_file(sizeof(file), &l), 0);
	assert_false(l.found[KVM_STAT_HALT_EXITS]);
	assert_false(l.found[KVM_STAT_BLOCKING]);
	assert_int_equal(kvm_stats_values(&l, file + DATA_OFF, DATA_SIZE, v),
			 0);
	assert_int_equal(v[KVM_STAT_HALT_EXITS], 0);
	assert_int_equal(v[KVM_STAT_EXITS], 1001);
	put_desc(file + DESC_OFF + 1 * DESC_SIZE, "other3", 1, 8);
	put_desc(file + DESC_OFF + 3 * DESC_SIZE, "other4", 1, 24);
	assert_int_equal(parse_file(sizeof(file), &l), -1);
}

/* A name listed twice: the first descriptor wins. */
static void test_stats_duplicate(void **state)
{
	struct kvm_stats_layout l;

	(void)state;
	build_file();
	put_desc(file + DESC_OFF + 5 * DESC_SIZE, "exits", 1, 200);
	assert_int_equal(parse_file(sizeof(file), &l), 0);
	assert_int_equal(l.off[KVM_STAT_EXITS], 8);
}

static void test_stats_truncated(void **state)
{
	struct kvm_stats_layout l;

	(void)state;
	build_file();
	for (size_t len = 0; len < KVM_STATS_HDR_SIZE; len++)
		assert_int_equal(parse_file(len, &l), -1);
	/* Cut anywhere inside the descriptors. */
	for (size_t len = KVM_STATS_HDR_SIZE; len < DATA_OFF; len += 7)
		assert_int_equal(parse_file(len, &l), -1);
	assert_int_equal(parse_file(DATA_OFF - 1, &l), -1);
}

/* Header fields that do not add up. */
static void test_stats_bad_header(void **state)
{
	static const struct {
		size_t off;
		uint32_t value;
	} bad[] = {
		{ 4, 0 }, /* name size 0 */
		{ 4, KVM_STATS_MAX_NAME + 1 },
		{ 8, 0 }, /* no descriptors */
		{ 8, KVM_STATS_MAX_DESC + 1 },
		{ 8, NDESC + 1 }, /* the descriptors run into the data */
		{ 16, 8 }, /* descriptors inside the header */
		{ 20, DATA_OFF - 1 }, /* data inside the descriptors */
		{ 16, 0xFFFFFFF0u }, /* offsets that wrap */
	};
	struct kvm_stats_hdr h;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		build_file();
		put_le32(file + bad[i].off, bad[i].value);
		assert_int_equal(kvm_stats_header_parse(file, sizeof(file), &h),
				 -1);
	}
}

/* Descriptors that are in bounds but wrong. */
static void test_stats_bad_desc(void **state)
{
	struct kvm_stats_layout l;
	uint8_t *exits = file + DESC_OFF + 1 * DESC_SIZE;

	(void)state;
	build_file(); /* a name without its NUL */
	memset(exits + KVM_STATS_DESC_FIXED, 'x', NAME_SIZE);
	assert_int_equal(parse_file(sizeof(file), &l), -1);
	build_file(); /* a counter without a value */
	put_le16(exits + 6, 0);
	assert_int_equal(parse_file(sizeof(file), &l), -1);
	build_file(); /* a counter far beyond any data block */
	put_le32(exits + 8, KVM_STATS_MAX_DATA - 7);
	assert_int_equal(parse_file(sizeof(file), &l), -1);
	put_le32(exits + 8, 0xFFFFFFFCu);
	assert_int_equal(parse_file(sizeof(file), &l), -1);
	build_file(); /* the last value that fits */
	put_le32(exits + 8, KVM_STATS_MAX_DATA - 8);
	assert_int_equal(parse_file(sizeof(file), &l), 0);
	assert_int_equal(l.data_size, KVM_STATS_MAX_DATA);
}

/* --- the decision ------------------------------------------------------ */

static uint64_t sample[STALL_MAX_CPUS][KVM_STAT_COUNT];

static enum stall_verdict at(struct stall_clock *c, uint64_t ms)
{
	return stall_decide(c, (const uint64_t(*)[KVM_STAT_COUNT])sample, ms,
			    10000);
}

static void test_decide_stalled(void **state)
{
	struct stall_clock c;
	uint64_t t;

	(void)state;
	memset(sample, 0, sizeof(sample));
	stall_clock_init(&c, 2);
	assert_int_equal(at(&c, 5000), STALL_PROGRESS); /* primes */
	for (t = 6000; t < 15000; t += 1000)
		assert_int_equal(at(&c, t), STALL_QUIET);
	assert_int_equal(at(&c, 15000), STALL_STALLED);
	assert_int_equal(c.quiet_ms, 10000);
	assert_int_equal(c.max_quiet_ms, 10000);
	/* "blocking" is a state, not progress. */
	sample[0][KVM_STAT_BLOCKING] = 1;
	assert_int_equal(at(&c, 16000), STALL_STALLED);
	/* Progress again resets the clock. */
	sample[1][KVM_STAT_EXITS]++;
	assert_int_equal(at(&c, 17000), STALL_PROGRESS);
	assert_int_equal(c.progressed, 2u);
	assert_int_equal(at(&c, 18000), STALL_QUIET);
}

/* An idle Linux guest: halted, woken by its timer every few seconds. */
static void test_decide_idle_with_wakeups(void **state)
{
	struct stall_clock c;

	(void)state;
	memset(sample, 0, sizeof(sample));
	stall_clock_init(&c, 2);
	for (uint64_t t = 0; t < 600000; t += 1000) {
		if (t % 4000 == 0) {
			sample[t % 8000 ? 1 : 0][KVM_STAT_HALT_WAKEUP]++;
			sample[t % 8000 ? 1 : 0][KVM_STAT_HALT_EXITS]++;
		}
		assert_int_not_equal(at(&c, t), STALL_STALLED);
	}
}

/* One vCPU frozen (waiting for SIPI, or stuck) while another works: the
 * guest is not stalled. */
static void test_decide_one_vcpu_progresses(void **state)
{
	struct stall_clock c;

	(void)state;
	memset(sample, 0, sizeof(sample));
	stall_clock_init(&c, 4);
	for (uint64_t t = 0; t < 100000; t += 1000) {
		sample[2][KVM_STAT_EXITS] += 3;
		assert_int_equal(at(&c, t), STALL_PROGRESS);
		if (t)
			assert_int_equal(c.progressed, 1u << 2);
	}
}

/* held: blocked in KVM for a whole sample, not merely blocking now. */
static void test_decide_held(void **state)
{
	struct stall_clock c;

	(void)state;
	memset(sample, 0, sizeof(sample));
	stall_clock_init(&c, 3);
	sample[0][KVM_STAT_BLOCKING] = 1;
	assert_int_equal(at(&c, 0), STALL_PROGRESS);
	assert_int_equal(c.held, 0u); /* the priming sample holds nothing */
	/* vCPU 0 blocked throughout, 1 woke and halted again, 2 runs. */
	sample[1][KVM_STAT_BLOCKING] = 1;
	sample[1][KVM_STAT_HALT_WAKEUP]++;
	sample[1][KVM_STAT_HALT_EXITS]++;
	sample[2][KVM_STAT_EXITS]++;
	assert_int_equal(at(&c, 1000), STALL_PROGRESS);
	assert_int_equal(c.held, 1u << 0);
	assert_int_equal(c.progressed, (1u << 1) | (1u << 2));
	/* Next sample: 1 now held too; 0 woke and runs. */
	sample[0][KVM_STAT_BLOCKING] = 0;
	sample[0][KVM_STAT_EXITS]++;
	assert_int_equal(at(&c, 2000), STALL_PROGRESS);
	assert_int_equal(c.held, 1u << 1);
	/* Nobody progresses: still held, whatever the verdict. */
	assert_int_equal(at(&c, 3000), STALL_QUIET);
	assert_int_equal(c.held, 1u << 1);
}

static void test_missed_wakeup(void **state)
{
	struct vcpu_wait w;

	(void)state;
	memset(&w, 0, sizeof(w));
	w.halted = w.blocked = w.lapic = w.apic_enabled = 1;
	w.irr = w.isr = -1;
	w.rflags = 1u << 9;
	w.lvtt = 0x000400ecu; /* tsc-deadline, vector 0xec */
	assert_false(vcpu_wait_missed_wakeup(&w)); /* idle, nothing due */
	w.irr = 0xfd; /* an IPI requested, nothing in service */
	assert_true(vcpu_wait_missed_wakeup(&w));
	w.isr = 0xf0; /* same priority class in service: not deliverable */
	assert_false(vcpu_wait_missed_wakeup(&w));
	w.isr = 0xec;
	assert_true(vcpu_wait_missed_wakeup(&w));
	w.rflags = 0; /* HLT with IF=0 waits for NMI/INIT only */
	assert_false(vcpu_wait_missed_wakeup(&w));
	w.nmi_pending = 1;
	assert_true(vcpu_wait_missed_wakeup(&w));
	w.halted = 0; /* running, or waiting for SIPI: not a halt */
	assert_false(vcpu_wait_missed_wakeup(&w));
	/* The timer: due long ago is a miss, due an instant ago is not. */
	memset(&w, 0, sizeof(w));
	w.halted = w.blocked = w.lapic = w.apic_enabled = 1;
	w.irr = w.isr = -1;
	w.rflags = 1u << 9;
	w.lvtt = 0x000400ecu;
	w.tsc_deadline = 1000;
	w.tsc = 1000 + 5;
	assert_false(vcpu_wait_missed_wakeup(&w));
	w.tsc = 1000 + (1ull << 30);
	assert_true(vcpu_wait_missed_wakeup(&w));
	w.tsc = 0; /* unknown TSC */
	assert_false(vcpu_wait_missed_wakeup(&w));
	w.tsc = 500; /* not due yet */
	assert_false(vcpu_wait_missed_wakeup(&w));
}

static void test_decide_counter_wrap(void **state)
{
	struct stall_clock c;

	(void)state;
	memset(sample, 0, sizeof(sample));
	sample[0][KVM_STAT_EXITS] = UINT64_MAX;
	stall_clock_init(&c, 1);
	assert_int_equal(at(&c, 0), STALL_PROGRESS);
	assert_int_equal(at(&c, 9000), STALL_QUIET);
	sample[0][KVM_STAT_EXITS] = 0;
	assert_int_equal(at(&c, 10000), STALL_PROGRESS);
}

/* The paravisor not running for a long time (its VM paused): that gap
 * counts STALL_MAX_GAP_MS, not the whole time. */
static void test_decide_gap(void **state)
{
	struct stall_clock c;

	(void)state;
	memset(sample, 0, sizeof(sample));
	stall_clock_init(&c, 1);
	assert_int_equal(at(&c, 0), STALL_PROGRESS);
	assert_int_equal(at(&c, 1000000), STALL_QUIET);
	assert_int_equal(c.quiet_ms, STALL_MAX_GAP_MS);
	/* A clock that goes back counts nothing. */
	assert_int_equal(at(&c, 500), STALL_QUIET);
	assert_int_equal(c.quiet_ms, STALL_MAX_GAP_MS);
}

static void test_decide_off(void **state)
{
	struct stall_clock c;

	(void)state;
	memset(sample, 0, sizeof(sample));
	stall_clock_init(&c, 1);
	for (uint64_t t = 0; t < 1000000; t += 1000)
		assert_int_not_equal(
			stall_decide(&c,
				     (const uint64_t(*)[KVM_STAT_COUNT])sample,
				     t, 0),
			STALL_STALLED);
}

/* --- what a vCPU waits on ---------------------------------------------- */

static void test_lapic_parse(void **state)
{
	uint8_t page[LAPIC_PAGE_SIZE];
	struct vcpu_wait w;

	(void)state;
	memset(page, 0, sizeof(page));
	memset(&w, 0, sizeof(w));
	put_le32(page + 0xF0, 0x1FF); /* SVR: enabled, spurious 0xFF */
	put_le32(page + 0x200 + 0x10 * 7, 1u << 12); /* IRR: 0xEC */
	put_le32(page + 0x200 + 0x10 * 1, 1u << 0); /* IRR: 0x20 */
	put_le32(page + 0x320, (2u << 17) | 0xEC); /* TSC deadline */
	lapic_wait_parse(page, &w);
	assert_true(w.lapic && w.apic_enabled);
	assert_int_equal(w.irr, 0xEC);
	assert_int_equal(w.isr, -1);
	assert_false(vcpu_wait_timer_armed(&w)); /* no deadline set */
	w.tsc_deadline = 12345;
	assert_true(vcpu_wait_timer_armed(&w));
	w.lvtt |= 1u << 16; /* masked */
	assert_false(vcpu_wait_timer_armed(&w));
	w.lvtt = 0xEC; /* one-shot: armed while counting */
	w.tmict = 100;
	assert_false(vcpu_wait_timer_armed(&w));
	w.tmcct = 5;
	assert_true(vcpu_wait_timer_armed(&w));
	w.apic_enabled = 0;
	assert_false(vcpu_wait_timer_armed(&w));
	w.apic_enabled = 1;
	w.lvtt = (1u << 17) | 0xEC; /* periodic */
	w.tmcct = 0;
	assert_true(vcpu_wait_timer_armed(&w));
}

static void halted_idle(struct vcpu_wait *w, int if_flag)
{
	memset(w, 0, sizeof(*w));
	w->mp_state = "halted";
	w->blocked = 1;
	w->rip = 0xffffffff81000000ull;
	w->rflags = if_flag ? 0x202 : 0x2;
	w->lapic = 1;
	w->apic_enabled = 1;
	w->irr = w->isr = -1;
	w->lvtt = (2u << 17) | 0xEC;
}

static void test_wait_report(void **state)
{
	struct vcpu_wait w[2];
	char line[512];

	(void)state;
	halted_idle(&w[0], 1);
	halted_idle(&w[1], 1);
	vcpu_wait_format(&w[0], 0, line, sizeof(line));
	assert_non_null(strstr(line, "vCPU 0: halted rip=0xffffffff81000000 "
				     "IF=1; no event pending; LAPIC enabled, "
				     "IRR none, ISR none, timer tsc-deadline "
				     "not armed"));
	vcpu_wait_summary(w, 2, line, sizeof(line));
	assert_string_equal(line,
			    "every vCPU halted or waiting for SIPI (2 of 2), "
			    "IF=1 on 2, interrupt requested (IRR) on 0, LAPIC "
			    "timer armed on 0, wakeable 0: nothing can wake "
			    "the guest");
	/* Linux's `halt -f`: interrupts off, the LAPIC disabled, a timer
	 * interrupt latched in the IRR that can never be delivered. */
	halted_idle(&w[0], 0);
	halted_idle(&w[1], 0);
	w[0].apic_enabled = w[1].apic_enabled = 0;
	w[0].irr = 0xEC;
	assert_false(vcpu_wait_wakeable(&w[0]));
	vcpu_wait_summary(w, 2, line, sizeof(line));
	assert_non_null(strstr(line, "IF=1 on 0, interrupt requested (IRR) "
				     "on 1"));
	assert_non_null(strstr(line, ": nothing can wake the guest"));
	/* With IF=1 and the LAPIC on, that interrupt would wake it; an
	 * armed timer too; an NMI even with IF=0. */
	halted_idle(&w[0], 1);
	w[0].irr = 0xEC;
	assert_true(vcpu_wait_wakeable(&w[0]));
	halted_idle(&w[0], 1);
	w[0].tsc_deadline = 1;
	assert_true(vcpu_wait_wakeable(&w[0]));
	w[0].rflags = 0x2;
	assert_false(vcpu_wait_wakeable(&w[0]));
	w[0].nmi_pending = 1;
	assert_true(vcpu_wait_wakeable(&w[0]));
	halted_idle(&w[0], 1);
	halted_idle(&w[1], 1);
	/* A requested interrupt and a pending NMI are named. */
	w[1].irr = 0x30;
	w[1].nmi_pending = 1;
	w[1].irq_injected = 1;
	w[1].irq_nr = 0x30;
	vcpu_wait_format(&w[1], 1, line, sizeof(line));
	assert_non_null(strstr(line, "irq 0x30 injected, NMI pending;"));
	assert_non_null(strstr(line, "IRR 0x30"));
	vcpu_wait_summary(w, 2, line, sizeof(line));
	assert_null(strstr(line, "nothing can wake"));
	/* A runnable vCPU: not every vCPU is blocked. */
	halted_idle(&w[1], 0);
	w[1].mp_state = "runnable";
	w[1].blocked = 0;
	vcpu_wait_summary(w, 2, line, sizeof(line));
	assert_non_null(strstr(line, "not every vCPU"));
	assert_null(strstr(line, "nothing can wake"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_good),
		cmocka_unit_test(test_stats_without_data),
		cmocka_unit_test(test_stats_missing_counters),
		cmocka_unit_test(test_stats_duplicate),
		cmocka_unit_test(test_stats_truncated),
		cmocka_unit_test(test_stats_bad_header),
		cmocka_unit_test(test_stats_bad_desc),
		cmocka_unit_test(test_decide_stalled),
		cmocka_unit_test(test_decide_idle_with_wakeups),
		cmocka_unit_test(test_decide_one_vcpu_progresses),
		cmocka_unit_test(test_decide_held),
		cmocka_unit_test(test_missed_wakeup),
		cmocka_unit_test(test_decide_counter_wrap),
		cmocka_unit_test(test_decide_gap),
		cmocka_unit_test(test_decide_off),
		cmocka_unit_test(test_lapic_parse),
		cmocka_unit_test(test_wait_report),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
