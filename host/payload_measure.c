// SPDX-License-Identifier: MIT
#include "payload_measure.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "acpi.h"
#include "e820.h"
#include "fileio.h"

/* As payload.c: the host hands on pieces up to 4 GiB. */
#define PIECE_MAX (4096ULL * 1024 * 1024)

static int add_file(struct measure_log *log, uint32_t type, const char *path,
		    const char *what)
{
	const uint8_t *buf;
	size_t len;
	int ret;

	if (fio_map_file(path, what, PIECE_MAX, &buf, &len))
		return -1;
	/* mantle run refuses an empty kernel; so no measurement exists. */
	if (!len && type == MEASURE_EV_KERNEL) {
		fprintf(stderr, "mantle: %s %s: empty file\n", what, path);
		return -1;
	}
	ret = measure_log_add(log, type, buf, len);
	fio_unmap(buf, len);
	if (ret)
		fprintf(stderr, "mantle: hashing %s failed\n", path);
	return ret;
}

/* The e820 table as mantle-paravisor's boot_write() puts it in boot_params. */
static int add_e820(struct measure_log *log, uint64_t mem_bytes)
{
	uint8_t table[E820_TABLE_MAX];
	int n = e820_encode(mem_bytes, table, sizeof(table));

	if (n < 0) {
		fprintf(stderr,
			"mantle: no e820 map for %llu bytes of memory\n",
			(unsigned long long)mem_bytes);
		return -1;
	}
	return measure_log_add(log, MEASURE_EV_E820, table,
			       (size_t)n * E820_ENTRY_BYTES);
}

int payload_measure(const char *kernel, const char *initrd, const char *cmdline,
		    unsigned int cpus, uint64_t mem_bytes,
		    struct measure_log *log)
{
	struct acpi_config cfg = { .cpus = cpus,
				   .mem_bytes = mem_bytes,
				   .devices = PAYLOAD_ACPI_DEVICES };
	uint8_t *tables;
	size_t len;
	int ret;

	measure_log_init(log);
	if (add_file(log, MEASURE_EV_KERNEL, kernel, "--kernel"))
		return -1;
	if (initrd ? add_file(log, MEASURE_EV_INITRD, initrd, "--initrd") :
		     measure_log_add(log, MEASURE_EV_INITRD, NULL, 0))
		return -1;
	if (measure_log_add(log, MEASURE_EV_CMDLINE, cmdline, strlen(cmdline)))
		return -1;
	tables = malloc(ACPI_TABLES_MAX);
	if (!tables) {
		fprintf(stderr, "mantle: out of memory\n");
		return -1;
	}
	ret = acpi_build(&cfg, tables, ACPI_TABLES_MAX, &len);
	if (ret)
		fprintf(stderr, "mantle: building the ACPI tables failed\n");
	else
		ret = measure_log_add(log, MEASURE_EV_ACPI, tables, len);
	free(tables);
	return ret ? ret : add_e820(log, mem_bytes);
}
