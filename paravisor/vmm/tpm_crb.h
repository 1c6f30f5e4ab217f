/* SPDX-License-Identifier: MIT */
/*
 * The vTPM's guest interface: a TPM 2.0 Command Response Buffer (CRB)
 * device, as the TCG PC Client Platform TPM Profile defines it and as the
 * guest's stock tpm_crb driver finds it through ACPI (acpi.c: the DSDT
 * device TPM0, _HID MSFT0101, and the TPM2 table with start method 7).
 *
 * Memory map: TPM_CRB_GPA, one 4 KiB page per locality 0..4
 * (TPM_CRB_SIZE), registers only: every access to them is an MMIO exit.
 * Every page has the same layout (offsets below); the control area exists
 * once and is reached only through the page of the locality that holds
 * access. The command/response buffer is one page of plain memory right
 * after them, TPM_CRB_BUF_GPA (TPM_CRB_BUF_SIZE bytes): a KVM memory slot
 * of the paravisor's own anonymous memory (not guest RAM, not in the e820
 * map), the second Memory32Fixed of TPM0's _CRS, so the guest's copies of
 * commands and responses cost no exit; only the register accesses do.
 * The guest can change that page at any time, so CTRL_START snapshots it
 * into the device's private buffer before it looks at any byte.
 *
 * Access rules (every guest access is decoded by these, nothing else):
 *
 *   any size 1..8 at any offset; an access that runs past its page or
 *   over a register boundary acts on each byte's register as if that
 *   register had been written with the access's bytes and zeroes.
 *   LOC_STATE    RO, every page: tpmRegValidSts (bit 7), locAssigned (1),
 *                activeLocality (4:2).
 *   LOC_CTRL     WO: requestAccess (0) grants this page's locality when
 *                none holds access (else nothing: no queueing);
 *                relinquish (1) drops access held by this locality.
 *                Locality 4 belongs to the platform's hardware (the
 *                DRTM), never to software: its requestAccess is refused,
 *                so no guest resets or extends PCRs as locality 4.
 *                Access changing hands zeroes the buffer page: a locality
 *                never reads another locality's command or response.
 *   LOC_STS      RO: granted (0) when this locality holds access.
 *   INTF_ID      RO, 64 bits: CRB, version 1, localities 0..4.
 *   CTRL_EXT     RO 0.
 *   control area: pages of a locality without access read as all ones
 *                and drop writes (counted in .refused).
 *   CTRL_REQ     write cmdReady (0): leaves idle; goIdle (1): enters idle.
 *                Both complete at once, so it reads 0.
 *   CTRL_STS     RO: tpmIdle (1); tpmSts error (0) is never set: a
 *                command the TPM refuses gets a TPM error response.
 *   CTRL_CANCEL  RW, bit 0 kept; commands run synchronously, so there is
 *                nothing to cancel. Cleared by the next start.
 *   CTRL_START   write 1 while not idle: snapshots the buffer page, runs
 *                the command in the snapshot (its size from its header,
 *                bounded by the buffer; a bad size gets
 *                TPM_RC_COMMAND_SIZE: tpm_iface.h's rule) and writes the
 *                response into the page, all within the MMIO exit; reads
 *                0 after. Written while idle: refused.
 *   CTRL_INT_*   interrupts are not offered: INT_ENABLE reads 0,
 *                INT_STS reads 0; writes ignored.
 *   CTRL_CMD_*, CTRL_RSP_*  RO: the buffer page, TPM_CRB_BUF_GPA,
 *                TPM_CRB_BUF_SIZE bytes, both for command and response.
 *   0x80..0xFFF  of every page: nothing (the buffer is not there). Reads
 *                all ones; writes dropped and counted in .refused.
 *   buffer page  plain memory: the guest reads and writes it at will; its
 *                bytes matter only at CTRL_START, and the response is
 *                there after it.
 *
 * The TPM behind it is a callback (tpm_iface.h; tpm_lib.h in the
 * paravisor), so the register state machine is tested alone.
 */
#ifndef MANTLE_VMM_TPM_CRB_H
#define MANTLE_VMM_TPM_CRB_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "acpi.h"
#include "mmiobus.h"
#include "tpm_iface.h"

#define TPM_CRB_GPA 0xFED40000u
#define TPM_CRB_LOCALITIES 5u
#define TPM_CRB_PAGE 0x1000u
#define TPM_CRB_SIZE (TPM_CRB_LOCALITIES * TPM_CRB_PAGE)

/* Register offsets inside a locality page. */
#define TPM_CRB_LOC_STATE 0x00u
#define TPM_CRB_LOC_CTRL 0x08u
#define TPM_CRB_LOC_STS 0x0Cu
#define TPM_CRB_INTF_ID 0x30u
#define TPM_CRB_CTRL_EXT 0x38u
#define TPM_CRB_CTRL_REQ 0x40u
#define TPM_CRB_CTRL_STS 0x44u
#define TPM_CRB_CTRL_CANCEL 0x48u
#define TPM_CRB_CTRL_START 0x4Cu
#define TPM_CRB_CTRL_INT_ENABLE 0x50u
#define TPM_CRB_CTRL_INT_STS 0x54u
#define TPM_CRB_CTRL_CMD_SIZE 0x58u
#define TPM_CRB_CTRL_CMD_LADDR 0x5Cu
#define TPM_CRB_CTRL_CMD_HADDR 0x60u
#define TPM_CRB_CTRL_RSP_SIZE 0x64u
#define TPM_CRB_CTRL_RSP_ADDR 0x68u
/* The registers end here; the rest of each page holds nothing. */
#define TPM_CRB_REGS_END 0x80u
/* The command/response buffer: plain memory right after the pages. */
#define TPM_CRB_BUF_GPA (TPM_CRB_GPA + TPM_CRB_SIZE)
#define TPM_CRB_BUF_SIZE TPM_CRB_PAGE
/* The control area the TPM2 ACPI table names. */
#define TPM_CRB_CONTROL_AREA (TPM_CRB_GPA + TPM_CRB_CTRL_REQ)
_Static_assert(TPM_CRB_GPA == ACPI_TPM_CRB_GPA, "ACPI's TPM0 is this device");
_Static_assert(TPM_CRB_SIZE == ACPI_TPM_CRB_SIZE, "TPM0's _CRS covers it all");
_Static_assert(TPM_CRB_BUF_GPA == ACPI_TPM_CRB_BUF_GPA &&
		       TPM_CRB_BUF_SIZE == ACPI_TPM_CRB_BUF_SIZE,
	       "TPM0's second _CRS range is the buffer");
_Static_assert(TPM_CRB_CONTROL_AREA == ACPI_TPM_CRB_CONTROL_AREA,
	       "the TPM2 table's control area");

#define TPM_CRB_LOC_STATE_ASSIGNED (1u << 1)
#define TPM_CRB_LOC_STATE_ACTIVE_SHIFT 2
#define TPM_CRB_LOC_STATE_VALID (1u << 7)
#define TPM_CRB_LOC_CTRL_REQUEST (1u << 0)
#define TPM_CRB_LOC_CTRL_RELINQUISH (1u << 1)
#define TPM_CRB_LOC_STS_GRANTED (1u << 0)
#define TPM_CRB_REQ_CMD_READY (1u << 0)
#define TPM_CRB_REQ_GO_IDLE (1u << 1)
#define TPM_CRB_STS_ERROR (1u << 0)
#define TPM_CRB_STS_IDLE (1u << 1)
#define TPM_CRB_START_INVOKE (1u << 0)

/* INTF_ID: interface type CRB (1), version 1, CapLocality, CapCRB,
 * interface selector CRB (1), data transfer size 64 bytes (3). */
#define TPM_CRB_INTF_ID_VALUE                                     \
	((1ull << 0) | (1ull << 4) | (1ull << 8) | (3ull << 11) | \
	 (1ull << 14) | (1ull << 17))

#define TPM_CRB_NO_LOCALITY 0xFFu
/* The locality no software holds (the DRTM's). */
#define TPM_CRB_HW_LOCALITY 4u

struct tpm_crb {
	pthread_mutex_t lock;
	tpm_exec_fn exec;
	void *exec_ctx;
	uint8_t active; /* locality holding access, or TPM_CRB_NO_LOCALITY */
	uint8_t idle;
	uint32_t cancel;
	uint64_t commands; /* commands run */
	uint64_t refused; /* accesses dropped by the rules above */
	/* The guest's buffer page (TPM_CRB_BUF_SIZE bytes, the caller's):
	 * hostile memory, read once per command into buf. */
	uint8_t *page;
	uint8_t buf[TPM_CRB_BUF_SIZE]; /* the command's snapshot */
	uint8_t rsp[TPM_CRB_BUF_SIZE];
};

/* page: the memory the guest sees at TPM_CRB_BUF_GPA, TPM_CRB_BUF_SIZE
 * bytes, which outlives the device. */
void tpm_crb_init(struct tpm_crb *c, tpm_exec_fn exec, void *ctx,
		  uint8_t *page);
void tpm_crb_destroy(struct tpm_crb *c);
/* off: from TPM_CRB_GPA (0..TPM_CRB_SIZE-1); len 1..8. */
void tpm_crb_read(struct tpm_crb *c, uint64_t off, uint8_t *data,
		  unsigned int len);
void tpm_crb_write(struct tpm_crb *c, uint64_t off, const uint8_t *data,
		   unsigned int len);

/* State on the MMIO bus: the struct tpm_crb. */
extern const struct mmio_ops tpm_crb_mmio_ops;

#endif
