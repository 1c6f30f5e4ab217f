/* SPDX-License-Identifier: MIT */
/* TCG PC Client event log (crypto-agile or SHA-1) parsing and replay. */
#ifndef EVENTLOG_H
#define EVENTLOG_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define EVLOG_MAX_ALGS 8
#define EVLOG_PCRS 24
#define EV_NO_ACTION 3u

struct evlog_bank {
	uint16_t alg;
	uint16_t size;
	int known; /* we can hash with it */
	uint8_t pcr[EVLOG_PCRS][64];
};

struct evlog {
	int crypto_agile;
	unsigned int nalgs;
	struct evlog_bank banks[EVLOG_MAX_ALGS];
	uint32_t touched; /* PCRs extended by at least one event */
	unsigned long events;
	int startup_locality; /* -1 when absent */
};

/*
 * Parses and replays buf. Returns 0, or MV_BADINPUT (not an event log) /
 * MV_FAIL (a malformed record inside it) with a reason in err.
 */
int evlog_replay(const uint8_t *buf, size_t len, struct evlog *log, char *err,
		 size_t errlen);

/* The replayed bank for alg, or NULL. */
const struct evlog_bank *evlog_bank(const struct evlog *log, uint16_t alg);

json_t *evlog_json(const struct evlog *log);

#endif
