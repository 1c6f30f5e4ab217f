// SPDX-License-Identifier: MIT
/* `mantle measure`: the values of MEASUREMENT.md, offline. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "launch.h"
#include "log.h"
#include "measure.h"
#include "opts.h"
#include "payload_measure.h"

int cmd_measure(int argc, char **argv)
{
	struct mantle_opts o;

	if (opts_parse(argc, argv, &o))
		return 1;
	if (o.help) {
		measure_usage(stdout);
		return 0;
	}
	if (!o.pv_image && !o.kernel) {
		mantle_cmd_err("measure",
			       "give --paravisor-image DIR "
			       "and/or --kernel BZIMAGE (see mantle measure "
			       "--help)\n");
		return 1;
	}
	if (o.pv_image) {
		struct measure_launch m;
		struct pv_config cfg;

		pv_config_for_opts(&cfg, &o);
		if (pv_launch_measure(o.pv_image, &cfg, &m))
			return 1;
		measure_launch_print(&m, stdout);
	}
	if (o.kernel) {
		struct measure_log log;

		if (payload_measure(o.kernel, o.initrd, o.cmdline, o.cpus,
				    o.mem_bytes, &log))
			return 1;
		measure_log_print(&log, stdout);
	}
	if (fflush(stdout) || ferror(stdout)) {
		mantle_err("stdout: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
