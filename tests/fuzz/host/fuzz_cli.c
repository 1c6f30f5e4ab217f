// SPDX-License-Identifier: MIT
/*
 * The launcher's parsers of hostile input: size and number arguments, the
 * option parser, the paravisor VM's status report, and /proc/cpuinfo text.
 * Input: the bytes split at NUL into argv words (and fed whole to the others).
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "opts.h"
#include "qemu.h"
#include "status.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char run[] = "run"; /* getopt may permute argv, not edit it */
	char *buf = malloc(size + 1), *argv[34];
	struct mantle_opts o;
	unsigned int u;
	uint64_t v;
	int argc = 1, st;
	const char *why;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';

	st = status_parse(buf, size);
	if (st >= 0 && (st > 255 || status_to_exit(st, &why) < 0))
		abort();
	(void)cpuinfo_has_virt(buf);
	/* A plain nonzero number is MiB, never fewer bytes. */
	if (!parse_size(buf, &v) && v && v < MANTLE_MIB &&
	    !buf[strspn(buf, "0123456789")])
		abort();
	if (!parse_uint(buf, 1, 8, &u) && (u < 1 || u > 8))
		abort();

	argv[0] = run;
	for (size_t i = 0; i < size && argc < 33;) {
		argv[argc++] = buf + i;
		i += strlen(buf + i) + 1;
	}
	argv[argc] = NULL;
	if (!opts_parse(argc, argv, &o) && !o.help) {
		if (o.cpus < 1 || o.cpus > MANTLE_MAX_CPUS ||
		    o.mem_bytes < MANTLE_MIN_MEM ||
		    o.mem_bytes > MANTLE_MAX_MEM ||
		    o.mem_bytes % (2 * MANTLE_MIB) ||
		    strlen(o.cmdline) > MANTLE_MAX_CMDLINE)
			abort();
	}
	free(buf);
	return 0;
}
