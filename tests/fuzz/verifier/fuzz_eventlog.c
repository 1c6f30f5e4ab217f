// SPDX-License-Identifier: MIT
/* libFuzzer: TCG event log parsing and replay. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "eventlog.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evlog *log = malloc(sizeof(*log));
	char err[160];

	if (!log)
		return 0;
	if (!evlog_replay(data, size, log, err, sizeof(err)))
		json_decref(evlog_json(log));
	free(log);
	return 0;
}
