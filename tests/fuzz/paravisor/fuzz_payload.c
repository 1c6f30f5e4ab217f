// SPDX-License-Identifier: MIT
/* libFuzzer: the payload disk header parser. The input is the start of the
 * disk; the disk size is the input size plus a fuzzed extension. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "payload.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct payload_info info;
	uint64_t disk = size, extra = 0;
	char err[256];

	if (size >= PAYLOAD_HDR_SIZE + 8) {
		memcpy(&extra, data + PAYLOAD_HDR_SIZE, 8);
		disk += extra;
		if (disk < size) /* wrapped */
			disk = UINT64_MAX;
	}
	if (payload_parse(data, size, disk, 1ull << 36, &info, err,
			  sizeof(err)) != 0)
		return 0;
	/* What the parser accepts is safe to read. */
	if (info.cpus < 1 || info.cpus > PAYLOAD_MAX_CPUS ||
	    info.kernel.size == 0 || info.kernel.off > disk ||
	    info.kernel.size > disk - info.kernel.off ||
	    info.initrd.size > disk - info.initrd.off ||
	    info.cmdline.size > PAYLOAD_MAX_CMDLINE)
		abort();
	return 0;
}
