/* SPDX-License-Identifier: MIT */
/*
 * The wake check: a second look at every guest vCPU that has sat blocked in
 * KVM for a whole stall-watchdog sample (a second or more).
 *
 * Why: under the nested emulation on this platform, L1 KVM has been seen to
 * leave a halted guest vCPU asleep although the interrupt meant to wake it
 * had been requested (paravisor/README.md, "The early-boot hang"). The
 * guest then waits for ever on that CPU while its other vCPUs tick on,
 * which no progress watchdog can tell from an idle guest. The main thread
 * kicks such a vCPU out of KVM_RUN; its own thread reads what it waits on
 * (wake_check_run), logs and counts a missed wake-up when KVM should have
 * acted on something (vcpu_wait_missed_wakeup), and runs it again. Running
 * it again is the repair: KVM looks at the vCPU's pending events afresh
 * each time it enters the halt. A halt that KVM correctly keeps (nothing
 * to do, timer not due) costs one signal and a few ioctls per second.
 */
#ifndef MANTLE_VMM_WAKE_CHECK_H
#define MANTLE_VMM_WAKE_CHECK_H

#include <stdint.h>

struct machine;

#define WAKE_CHECK_LOG_MAX 4 /* missed wake-ups logged one by one */

#define WAKE_CHECK_REPORT_S 30

struct wake_check {
	uint32_t asked; /* bit i: vCPU i is to look (atomic) */
	uint32_t report; /* bit i: vCPU i is to log its state (atomic) */
	int reported; /* the once-per-boot report was asked for */
	unsigned int held_for[32]; /* samples each vCPU was held in a row */
	uint64_t kicks; /* vCPUs kicked to look (atomic) */
	uint64_t missed; /* looks that found a missed wake-up (atomic) */
};

/* Main thread, after each stall-watchdog sample: asks every vCPU in held
 * (stall_clock.held) to look, and once a vCPU has been held for
 * WAKE_CHECK_REPORT_S samples in a row, asks every vCPU once per boot to
 * log what it waits on (the state of a guest that may hang, which a hang
 * bounded only by `mantle run --timeout` would otherwise take with it). */
void wake_check_sample(struct machine *m, uint32_t held);

/* vCPU thread, after every return from KVM_RUN: look if asked. */
void wake_check_run(struct machine *m, unsigned int id);

/* At teardown: one line with the counts of this boot, then zeroed. */
void wake_check_log(struct machine *m);

#endif
