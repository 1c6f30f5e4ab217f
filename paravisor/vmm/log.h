/* SPDX-License-Identifier: MIT */
/* The paravisor log: stderr, one "mantle-paravisor: " line per call. */
#ifndef MANTLE_VMM_LOG_H
#define MANTLE_VMM_LOG_H

#include <stdint.h>

void pv_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Milliseconds since the process started (CLOCK_MONOTONIC). */
uint64_t pv_uptime_ms(void);
void pv_log_start(void);

#endif
