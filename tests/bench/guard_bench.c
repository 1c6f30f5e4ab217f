// SPDX-License-Identifier: MIT
/*
 * make bench-guard: what the seccomp allowlist (paravisor/vmm/guard.c) adds
 * to the system call on the vCPU hot path, ioctl(KVM_RUN), each vCPU exit
 * making one. Measured on a bad fd (EBADF), so only the entry, the filter
 * and the return count; the reference is the same call in the same process
 * before the filter is installed. Best of many windows for both (the
 * machine is shared). Not a test: nothing asserts.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <time.h>

#include <linux/kvm.h>

#include "guard.h"

#define WINDOWS 30
#define CALLS 100000

static double now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e9 + (double)t.tv_nsec;
}

/* Best ns per call over the windows. */
static double measure(void)
{
	double best = 1e18;

	for (int w = 0; w < WINDOWS; w++) {
		double t0 = now_ns(), ns;

		for (int i = 0; i < CALLS; i++)
			(void)ioctl(-1, KVM_RUN, 0);
		ns = (now_ns() - t0) / CALLS;
		if (ns < best)
			best = ns;
	}
	return best;
}

int main(void)
{
	char err[256];
	double ref, val;

	ref = measure();
	if (guard_drop(err, sizeof(err)) < 0) {
		fprintf(stderr, "guard_bench: %s\n", err);
		return 1;
	}
	val = measure();
	printf("BENCH name=ioctl_kvm_run_with_seccomp value=%.1f unit=ns "
	       "ref=without_filter:%.1f ratio=%.3f\n",
	       val, ref, val / ref);
	printf("# filter cost per vCPU exit: %.1f ns\n", val - ref);
	return 0;
}
