// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: open + read + check of a hostile VMGS image, plus the
 * UEFI variable store parser. Byte 0 selects options (bit 0: raw image,
 * bit 1: also update the file: write, move, delete, then reopen; bit 2:
 * hide the in-memory layer's map op, so file data takes the copy path
 * that files and the host channel use); the rest is the file. The key is fixed so seeds can hold encrypted
 * files that really decrypt (32 bytes of 0x5a).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "vmgs/nvram.h"
#include "vmgs/vmgs.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_cb(void *arg, enum vmgs_check_kind kind, enum vmgs_err code,
		     const char *where, const char *msg)
{
	(void)kind;
	(void)code;
	*(size_t *)arg += strlen(where) + strlen(msg);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint8_t key_fill = 0x5a;
	uint8_t key[VMGS_KEY_SIZE];
	unsigned flags;
	struct vmgs_check_result r;
	struct vmgs_headers hs;
	struct vmgs_io io;
	struct vmgs *v;
	size_t sink = 0;

	if (size < 1)
		return 0;
	flags = data[0] & 1 ? VMGS_OPEN_RAW : 0;
	memset(key, key_fill, sizeof(key));
	data++;
	size--;

	if (vmgs_io_mem_new(&io, data, size) != VMGS_OK)
		return 0;
	if (data[-1] & 4) {
		static struct vmgs_io_ops copy_ops;

		copy_ops = *io.ops;
		copy_ops.map = NULL;
		io.ops = &copy_ops;
	}
	vmgs_read_headers(&io, flags, &hs);
	vmgs_check(&io, flags, key, check_cb, &sink, &r);
	if (vmgs_open(&io, flags | (data[-1] & 2 ? VMGS_OPEN_WRITE : 0), &v) !=
	    VMGS_OK) {
		vmgs_io_close(&io);
		return 0;
	}
	for (int pass = 0; pass < 2; pass++) {
		for (unsigned id = 1; id < 63; id++) {
			uint8_t *d;
			uint64_t n;

			if (vmgs_read(v, id, pass ? 0 : VMGS_READ_RAW, &d,
				      &n) != VMGS_OK)
				continue;
			if (id == VMGS_FID_BIOS_NVRAM &&
			    n <= VMGS_NVRAM_MAX_BLOB) {
				struct vmgs_nvram nv;

				if (vmgs_nvram_parse(d, (size_t)n, &nv) ==
				    VMGS_OK) {
					uint8_t *out;
					size_t ol;

					for (size_t k = 0; k < nv.count; k++)
						vmgs_siglist_walk(
							nv.vars[k].data,
							nv.vars[k].data_bytes,
							NULL, NULL);
					if (vmgs_nvram_serialize(&nv, &out,
								 &ol) ==
					    VMGS_OK) {
						/* Round trip must be exact. */
						if (ol != n ||
						    memcmp(out, d, ol) != 0)
							abort();
						free(out);
					}
					vmgs_nvram_free(&nv);
				}
			}
			free(d);
		}
		if (!pass && vmgs_is_encrypted(v))
			vmgs_unlock(v, key);
	}
	if (data[-1] & 2) {
		static const uint8_t msg[5000] = { 1, 2, 3 };
		uint8_t *d;
		uint64_t n;
		unsigned id = 1 + data[-1] % 61;

		if (vmgs_write(v, id, msg, sizeof(msg),
			       VMGS_WRITE_OVERWRITE |
				       (vmgs_is_unlocked(v) ?
						VMGS_WRITE_ENCRYPT :
						0)) == VMGS_OK) {
			/* What was written must read back. */
			if (vmgs_read(v, id, 0, &d, &n) != VMGS_OK ||
			    n != sizeof(msg) || memcmp(d, msg, n) != 0)
				abort();
			free(d);
		}
		vmgs_move(v, id, id + 1, true);
		vmgs_delete(v, id + 1);
	}
	vmgs_close(v);
	return 0;
}
