// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the vTPM's CRB registers (tpm_crb.h) and, behind them, a real
 * libtpms, under a hostile guest's MMIO sequence. Input: records, each an
 * op byte then its operands:
 *   op & 3 == 0: read,  1 byte size-1 (low 3 bits), le16 offset
 *   op & 3 == 1: write, 1 byte size-1, le16 offset, 8 value bytes
 *   op & 3 == 2: command: locality (op >> 2 & 7), 1 byte n, n bytes into
 *                the buffer page (plain memory, as the guest writes it),
 *                then CTRL_START unless op & 0x20 (a scribble only: the
 *                page changing between register accesses)
 *   op & 3 == 3: reset the device (a reboot)
 * Offsets run 0..0xFFFF, past the device's 5 pages. Checks what holds
 * whatever the guest does: LOC_STATE always reads tpmRegValidSts and
 * never names locality 4 as assigned, a read outside the device is
 * refused by the bus, a read past the registers of a page reads all ones
 * (the buffer is not in the pages), and a started command always leaves
 * a response header whose size fits the buffer in the page.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mmiobus.h"
#include "tpm_crb.h"
#include "tpm_lib.h"

#include "mantle_bytes.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct tpm_nv nv;
static struct tpm_crb crb;
static struct mmiobus bus;
static uint8_t page[TPM_CRB_BUF_SIZE]; /* the guest's buffer page */

static void power_on(void)
{
	static int started;

	if (!started && tpm_lib_start(&nv, TPM_CRB_BUF_SIZE) < 0)
		abort();
	started = 1;
	tpm_crb_init(&crb, tpm_lib_exec, NULL, page);
	mmiobus_init(&bus);
	if (mmiobus_add(&bus, &tpm_crb_mmio_ops, &crb) < 0)
		abort();
}

static void check_state(void)
{
	uint8_t d[4];

	mmiobus_access(&bus, TPM_CRB_GPA + TPM_CRB_LOC_STATE, 0, d, 4);
	uint32_t s = get_le32(d);
	if (!(s & TPM_CRB_LOC_STATE_VALID))
		abort();
	/* locality 4 is the hardware's: never assigned */
	if ((s & TPM_CRB_LOC_STATE_ASSIGNED) &&
	    (s >> TPM_CRB_LOC_STATE_ACTIVE_SHIFT & 7u) == TPM_CRB_HW_LOCALITY)
		abort();
}

static void command(unsigned int loc, const uint8_t *p, size_t n, int go)
{
	uint64_t regs = TPM_CRB_GPA + (uint64_t)loc * TPM_CRB_PAGE;
	uint8_t one[4] = { 1, 0, 0, 0 };
	int ran;

	memcpy(page, p, n);
	if (!go)
		return;
	uint64_t before = crb.commands;
	mmiobus_access(&bus, regs + TPM_CRB_CTRL_START, 1, one, 4);
	ran = crb.commands != before;
	if (ran && (get_be32(page + TPM_HDR_SIZE_OFF) < TPM_HDR_LEN ||
		    get_be32(page + TPM_HDR_SIZE_OFF) > TPM_CRB_BUF_SIZE))
		abort();
}

/* A read of the device: all ones past the registers of a page. */
static void check_read(uint64_t addr, const uint8_t *d, unsigned int len)
{
	uint32_t in = (uint32_t)((addr - TPM_CRB_GPA) % TPM_CRB_PAGE);

	for (unsigned int k = 0; k < len && in + k < TPM_CRB_PAGE; k++)
		if (in + k >= TPM_CRB_REGS_END && d[k] != 0xFF)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t i = 0;

	power_on();
	while (i + 4 <= size) {
		uint8_t op = data[i], len = (uint8_t)((data[i + 1] & 7) + 1);
		uint64_t addr = TPM_CRB_GPA + get_le16(data + i + 2);
		uint8_t d[8];

		switch (op & 3) {
		case 0:
			if (mmiobus_access(&bus, addr, 0, d, len) !=
			    (addr < TPM_CRB_GPA + TPM_CRB_SIZE ? 0 : -1))
				abort();
			if (addr < TPM_CRB_GPA + TPM_CRB_SIZE)
				check_read(addr, d, len);
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
			command((op >> 2 & 7) % TPM_CRB_LOCALITIES, data + i, n,
				!(op & 0x20));
			i += n;
			break;
		}
		default:
			tpm_crb_destroy(&crb);
			power_on();
			i += 1;
			break;
		}
		check_state();
	}
	tpm_crb_destroy(&crb);
	return 0;
}
