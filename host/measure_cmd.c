// SPDX-License-Identifier: MIT
/* `mantle measure`: the values of MEASUREMENT.md, offline. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "commands.h"
#include "fileio.h"
#include "launch.h"
#include "log.h"
#include "measure.h"
#include "opts.h"
#include "payload_measure.h"
#include "tcg_log.h"

/* --event-log FILE: the TCG crypto-agile log of the payload events. */
static int write_event_log(const struct measure_log *log, const char *path)
{
	size_t len = tcg_log_size(log), off = 0;
	uint8_t *buf = len ? malloc(len) : NULL;
	int fd, rc;

	if (!buf) {
		mantle_err("event log: out of memory or no log\n");
		return -1;
	}
	rc = tcg_log_write(log, buf, len, &off);
	if (rc) {
		mantle_err("event log: %s\n", tcg_log_strerror(rc));
		free(buf);
		return -1;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0 || fio_write_all(fd, buf, off) || close(fd)) {
		mantle_err("%s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		free(buf);
		return -1;
	}
	free(buf);
	return 0;
}

/* --pcrs: the PCRs a TPM holds after extending the same events. */
static int print_pcrs(const struct measure_log *log)
{
	struct tcg_pcrs pcrs;
	int rc = tcg_log_pcrs(log, &pcrs);

	if (rc) {
		mantle_err("PCR values: %s\n", tcg_log_strerror(rc));
		return -1;
	}
	tcg_pcrs_print(&pcrs, log, stdout);
	return 0;
}

/* The payload's event lines, then what --pcrs / --event-log ask for. */
static int measure_payload(const struct mantle_opts *o)
{
	struct measure_log log;

	if (payload_measure(o->kernel, o->initrd, o->cmdline, o->cpus,
			    o->mem_bytes, o->tpm, &log))
		return -1;
	measure_log_print(&log, stdout);
	if (o->pcrs && print_pcrs(&log))
		return -1;
	if (o->event_log && write_event_log(&log, o->event_log))
		return -1;
	return 0;
}

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
	if ((o.pcrs || o.event_log) && !o.kernel) {
		mantle_cmd_err("measure", "--pcrs and --event-log need "
					  "--kernel BZIMAGE\n");
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
	if (o.kernel && measure_payload(&o))
		return 1;
	if (fflush(stdout) || ferror(stdout)) {
		mantle_err("stdout: %s\n", strerror(errno));
		return 1;
	}
	return 0;
}
