// SPDX-License-Identifier: MIT
#include "memstat.h"

#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <unistd.h>

static int smaps_fd = -1;

int memstat_keep_open(void)
{
	if (smaps_fd < 0)
		smaps_fd = open("/proc/self/smaps", O_RDONLY | O_CLOEXEC);
	return smaps_fd < 0 ? -1 : 0;
}

/* A stream from the start of smaps: the kept fd (a dup, so fclose leaves it
 * open) or a fresh open. */
static FILE *smaps_open(void)
{
	FILE *f;
	int fd;

	if (smaps_fd < 0)
		return fopen("/proc/self/smaps", "r");
	if (lseek(smaps_fd, 0, SEEK_SET) < 0)
		return NULL;
	fd = dup(smaps_fd);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

int memstat_pss(const void *guest_ram, uint64_t *total_kb, uint64_t *ram_kb)
{
	char line[512];
	uintptr_t start = 0;
	int in_ram = 0;
	FILE *f = smaps_open();

	if (!f)
		return -1;
	*total_kb = *ram_kb = 0;
	while (fgets(line, sizeof(line), f)) {
		uint64_t kb;

		/* A mapping header starts with "start-end " in lower-case hex;
		 * field lines start with an upper-case name. */
		if (((line[0] >= '0' && line[0] <= '9') ||
		     (line[0] >= 'a' && line[0] <= 'f')) &&
		    sscanf(line, "%" SCNxPTR "-", &start) == 1) {
			in_ram = (const void *)start == guest_ram;
			continue;
		}
		if (sscanf(line, "Pss: %" SCNu64 " kB", &kb) == 1) {
			*total_kb += kb;
			if (in_ram)
				*ram_kb += kb;
		}
	}
	fclose(f);
	return 0;
}
