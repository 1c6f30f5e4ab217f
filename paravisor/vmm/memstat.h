/* SPDX-License-Identifier: MIT */
/* The process's own memory use, for the log and the boot benchmark. */
#ifndef MANTLE_VMM_MEMSTAT_H
#define MANTLE_VMM_MEMSTAT_H

#include <stdint.h>

/*
 * Sum the Pss of every mapping in /proc/self/smaps (kB), and separately of
 * the mapping that starts at guest_ram. 0, or -1 if smaps is unreadable.
 */
int memstat_pss(const void *guest_ram, uint64_t *total_kb, uint64_t *ram_kb);

/* Open /proc/self/smaps now and keep it, so that memstat_pss works once
 * opening files is forbidden (the seccomp allowlist). 0 or -1. */
int memstat_keep_open(void);

#endif
