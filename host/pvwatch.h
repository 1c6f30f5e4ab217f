/* SPDX-License-Identifier: MIT */
/*
 * Watching the paravisor VM's kernel (L1) while it runs. Its console is the
 * --log file (QEMU appends ttyS0 to it); a kernel line that reports an Oops,
 * a BUG, a panic or a lockup means the paravisor VM itself failed, whatever
 * the guest did, so `mantle run` reports it as such (RUN_PV_KERNEL) instead
 * of waiting on, or blaming, the guest. The log is written by the untrusted
 * side of nothing: QEMU and mantle only, but lines are still bounded.
 */
#ifndef MANTLE_HOST_PVWATCH_H
#define MANTLE_HOST_PVWATCH_H

#include <stddef.h>
#include <sys/types.h>

#define PVWATCH_LINE_MAX 240

struct pvwatch {
	int fd;
	off_t off; /* log bytes read so far */
	char line[PVWATCH_LINE_MAX + 1]; /* the line being assembled */
	size_t len;
	int failed; /* a kernel failure line was seen */
	char first[PVWATCH_LINE_MAX + 1]; /* the first such line */
};

/* Starts watching path from its current end (what mantle wrote before QEMU
 * started is not the kernel's). -1 if it cannot be opened. */
int pvwatch_open(struct pvwatch *w, const char *path);

/* Reads what the log gained since the last call. Returns w->failed. */
int pvwatch_poll(struct pvwatch *w);

/* The last poll, once QEMU is gone: a last line without a newline counts. */
int pvwatch_finish(struct pvwatch *w);

void pvwatch_close(struct pvwatch *w);

/* 1 if line (no newline) is a paravisor VM kernel line ("[  1.234] ...")
 * that reports a failure: Oops, BUG, panic, lockup, RCU stall. */
int pvwatch_is_failure(const char *line);

#endif
