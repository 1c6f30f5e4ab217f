// SPDX-License-Identifier: MIT
#include "payload_measure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "e820.h"
#include "launch.h"
#include "log.h"

/* As payload.c: the host hands on pieces up to 4 GiB. */
#define PIECE_MAX (4096ULL * 1024 * 1024)

/* The e820 table as mantle-paravisor's boot_write() puts it in boot_params. */
static int add_e820(struct measure_log *log, uint64_t mem_bytes)
{
	uint8_t table[E820_TABLE_MAX];
	int n = e820_encode(mem_bytes, table, sizeof(table));

	if (n < 0) {
		mantle_err("no e820 map for %llu bytes of memory\n",
			   (unsigned long long)mem_bytes);
		return -1;
	}
	return measure_log_add(log, MEASURE_EV_E820, table,
			       (size_t)n * E820_ENTRY_BYTES);
}

int payload_measure(const char *kernel, const char *initrd, const char *cmdline,
		    unsigned int cpus, uint64_t mem_bytes, enum mantle_tpm tpm,
		    struct measure_log *log)
{
	struct acpi_config cfg = { .cpus = cpus,
				   .mem_bytes = mem_bytes,
				   .devices = PAYLOAD_ACPI_DEVICES(tpm) };
	/* mantle run refuses an empty kernel; so no measurement exists. */
	const struct measure_dest kernel_to = { .log = log, .refuse_empty = 1 };
	const struct measure_dest to = { .log = log };
	uint8_t *tables;
	size_t len;
	int ret;

	measure_log_init(log);
	if (measure_file(&kernel_to, MEASURE_EV_KERNEL, kernel, "--kernel",
			 PIECE_MAX))
		return -1;
	if (initrd ? measure_file(&to, MEASURE_EV_INITRD, initrd, "--initrd",
				  PIECE_MAX) :
		     measure_log_add(log, MEASURE_EV_INITRD, NULL, 0))
		return -1;
	if (measure_log_add(log, MEASURE_EV_CMDLINE, cmdline, strlen(cmdline)))
		return -1;
	tables = malloc(ACPI_TABLES_MAX);
	if (!tables) {
		mantle_err("out of memory\n");
		return -1;
	}
	ret = acpi_build(&cfg, tables, ACPI_TABLES_MAX, &len);
	if (ret)
		mantle_err("building the ACPI tables failed\n");
	else
		ret = measure_log_add(log, MEASURE_EV_ACPI, tables, len);
	free(tables);
	return ret ? ret : add_e820(log, mem_bytes);
}
