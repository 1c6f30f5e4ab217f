// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the vTPM's TIS (FIFO) registers (tpm_tis.h) and, behind them,
 * a real libtpms, under a hostile guest's MMIO script. Input: records,
 * each an op byte then its operands:
 *   op & 3 == 0: read,  1 byte size-1 (low 3 bits), le16 offset
 *   op & 3 == 1: write, 1 byte size-1, le16 offset, 8 value bytes
 *   op & 3 == 2: command: locality (op >> 2 & 7), 1 byte n, n bytes
 *                written byte-wise to its DATA_FIFO, then tpmGo
 *   op & 3 == 3: reset the device (a reboot)
 * Offsets run 0..0xFFFF, past the device's 5 pages. Checks what holds
 * whatever the guest does: every page's ACCESS reads tpmRegValidSts, at
 * most one locality is active and never locality 4, the active one's STS
 * reads stsValid, TPM 2.0 and zero in its read-as-zero bits with a burst
 * count within the buffer, a read outside the device is refused by the
 * bus, and a response always has a header whose size is its length.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mmiobus.h"
#include "tpm_lib.h"
#include "tpm_tis.h"

#include "mantle_bytes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tpm_nv nv;
static struct tpm_tis tis;
static struct mmiobus bus;

static void power_on(void)
{
	static int started;

	if (!started && tpm_lib_start(&nv, TPM_TIS_BUF_SIZE) < 0)
		abort();
	started = 1;
	tpm_tis_init(&tis, tpm_lib_exec, NULL);
	mmiobus_init(&bus);
	if (mmiobus_add(&bus, &tpm_tis_mmio_ops, &tis) < 0)
		abort();
}

static uint64_t page(unsigned int loc)
{
	return TPM_TIS_GPA + (uint64_t)loc * TPM_TIS_PAGE;
}

static void check_state(void)
{
	unsigned int active = 0;
	uint8_t d[4];

	for (unsigned int l = 0; l < TPM_TIS_LOCALITIES; l++) {
		mmiobus_access(&bus, page(l) + TPM_TIS_ACCESS, 0, d, 1);
		if (!(d[0] & TPM_TIS_ACCESS_VALID))
			abort();
		if (!(d[0] & TPM_TIS_ACCESS_ACTIVE))
			continue;
		if (l == TPM_TIS_HW_LOCALITY || active++)
			abort();
		mmiobus_access(&bus, page(l) + TPM_TIS_STS, 0, d, 4);
		uint32_t s = get_le32(d);
		if ((s & 0x23u) || !(s & TPM_TIS_STS_VALID) ||
		    (s >> 26 & 3u) != 1u ||
		    (s >> TPM_TIS_STS_BURST_SHIFT & 0xFFFFu) > TPM_TIS_BUF_SIZE)
			abort();
	}
}

static void command(unsigned int loc, const uint8_t *p, size_t n)
{
	uint8_t go = TPM_TIS_STS_GO;
	uint64_t before = tis.commands;

	for (size_t i = 0; i < n; i++)
		mmiobus_access(&bus, page(loc) + TPM_TIS_DATA_FIFO, 1,
			       (uint8_t *)(uintptr_t)(p + i), 1);
	mmiobus_access(&bus, page(loc) + TPM_TIS_STS, 1, &go, 1);
	if (tis.commands != before &&
	    (tis.len < TPM_HDR_LEN || tis.len > TPM_TIS_BUF_SIZE ||
	     get_be32(tis.rsp + TPM_HDR_SIZE_OFF) != tis.len))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;

	power_on();
	while (i + 4 <= size) {
		uint8_t op = data[i], len = (uint8_t)((data[i + 1] & 7) + 1);
		uint64_t addr = TPM_TIS_GPA + get_le16(data + i + 2);
		uint8_t d[8];

		switch (op & 3) {
		case 0:
			if (mmiobus_access(&bus, addr, 0, d, len) !=
			    (addr < TPM_TIS_GPA + TPM_TIS_SIZE ? 0 : -1))
				abort();
			i += 4;
			break;
		case 1:
			memset(d, 0, sizeof(d));
			memcpy(d, data + i + 4,
			       size - i - 4 < 8 ? size - i - 4 : 8);
			mmiobus_access(&bus, addr, 1, d, len);
			i += 12;
			break;
		case 2: {
			size_t n = data[i + 1];

			i += 2;
			n = n < size - i ? n : size - i;
			command((op >> 2) % TPM_TIS_LOCALITIES, data + i, n);
			i += n;
			break;
		}
		default:
			tpm_tis_destroy(&tis);
			power_on();
			i += 1;
			break;
		}
		check_state();
	}
	tpm_tis_destroy(&tis);
	return 0;
}
