/* SPDX-License-Identifier: MIT */
/*
 * Hostile-host mode (host side, untrusted by design): a seeded, repeatable
 * fault plan the server applies to what it sends. Grammar: SPEC.md
 * §Hostile mode and hostif_hostile_usage.
 */
#ifndef HOSTIF_HOSTILE_H
#define HOSTIF_HOSTILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum hostif_fault {
	HOSTIF_FAULT_CTL_CORRUPT,
	HOSTIF_FAULT_CTL_TRUNCATE,
	HOSTIF_FAULT_CTL_REPLAY,
	HOSTIF_FAULT_CTL_REORDER,
	HOSTIF_FAULT_CTL_WITHHOLD,
	HOSTIF_FAULT_VMGS_SHORT,
	HOSTIF_FAULT_VMGS_TORN,
	HOSTIF_FAULT_VMGS_BITFLIP,
	HOSTIF_FAULT_PIPE_REPLAY,
	HOSTIF_FAULT_SP_CORRUPT,
	HOSTIF_FAULT_SP_REPLAY,
	HOSTIF_FAULT_SP_WITHHOLD,
	HOSTIF_FAULT_COUNT
};

#define HOSTIF_PPM 1000000u /* probabilities are parts per million */
#define HOSTIF_STORM_MAX 1000000u

struct hostif_hostile {
	uint64_t seed;
	uint32_t ppm[HOSTIF_FAULT_COUNT];
	uint32_t storm; /* EVENT frames per storm */
	/* vmgs-kill: the host process kills itself (SIGKILL) on VMGS write
	 * number vmgs_kill (1-based), before storing any of it; 0: never. */
	uint64_t vmgs_kill;
	uint64_t vmgs_writes; /* VMGS writes seen */
	uint64_t rng; /* generator state, starts at seed */
	uint64_t injected[HOSTIF_FAULT_COUNT];
	uint64_t storm_sent;
};

/* Text for --help (ends with a newline). */
extern const char hostif_hostile_usage[];

/*
 * Parses SPEC into h (seed defaults to 1, every probability to 0). On
 * error returns -1 and writes a one-line reason into err.
 */
int hostif_hostile_parse(const char *spec, struct hostif_hostile *h, char *err,
			 size_t errlen);
/* The spec key of a fault ("ctl-corrupt", ...). */
const char *hostif_hostile_name(enum hostif_fault f);
/* Draws against the fault's probability; counts it when it fires. */
bool hostif_hostile_roll(struct hostif_hostile *h, enum hostif_fault f);
/* Uniform in [0, bound) (bound > 0) from the seeded generator. */
uint64_t hostif_hostile_rand(struct hostif_hostile *h, uint64_t bound);

#endif /* HOSTIF_HOSTILE_H */
