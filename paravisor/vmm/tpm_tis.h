/* SPDX-License-Identifier: MIT */
/*
 * The vTPM's other guest interface (--tpm tis): the TPM 2.0 FIFO
 * interface (TIS) of the TCG PC Client Platform TPM Profile, as the
 * guest's stock tpm_tis driver finds it through ACPI (acpi.c: the DSDT
 * device TPM0, _HID MSFT0101, and the TPM2 table with start method 6,
 * "TIS / memory mapped", control area 0).
 *
 * Memory map: TPM_TIS_GPA, one 4 KiB page per locality 0..4
 * (TPM_TIS_SIZE), each with the registers below. The TPM has one command
 * buffer and one state (Idle, Ready, Reception, Completion; Execution is
 * never seen, commands run synchronously), reached only through the page
 * of the locality that holds access (the active locality).
 *
 * Access rules (every guest access is decoded by these, nothing else):
 *
 *   any size 1..8 at any offset; an access that runs past its page is cut
 *   at the page end. Its bytes are split by register (widths below): each
 *   register touched is read or written once with its bytes (missing
 *   bytes of a write are zeroes, and leave a RW register's other bytes
 *   alone); bytes of no register read 0xFF and their writes are refused.
 *   "Refused" below: the write is dropped, a read returns 0xFF bytes, and
 *   the access counts once in .refused.
 *
 *   Locality 4 belongs to the platform's hardware (the DRTM's
 *   _TPM_Hash_* sequence), never to software: every write to its page is
 *   refused, so it is never active; its registers read as for any
 *   locality without access.
 *
 *   ACCESS (0x00, 1 byte), any locality:
 *     read: tpmRegValidSts (7) 1; activeLocality (5) this locality is
 *     active; beenSeized (4) this locality lost access to a seize;
 *     Seize (3) 0; pendingRequest (2) another locality waits; requestUse
 *     (1) this locality waits; tpmEstablishment (0) 1 (no dynamic launch
 *     has happened: there is no _TPM_Hash_Start here).
 *     write, in this order:
 *     Seize: a locality above the active one (or any, with none active)
 *       takes access: the old one gets beenSeized, its command or
 *       response is discarded (state Idle). Else (the active locality
 *       or a lower one): refused. The other bits of the write are
 *       ignored.
 *     beenSeized 1: clears this locality's beenSeized.
 *     activeLocality 1: the active locality relinquishes: access goes to
 *       the highest waiting locality (its request granted), or to none;
 *       state Idle. From a locality that is not active: withdraws its
 *       request.
 *     requestUse 1: granted at once when no locality is active; else the
 *       locality waits (requestUse reads 1) until the active one
 *       relinquishes. No effect from the active locality.
 *   INT_ENABLE (0x08, 4), INT_VECTOR (0x0C, 1): interrupts are NOT
 *     offered (INTF_CAPABILITY names no interrupt type, the ACPI device
 *     has no interrupt resource, the driver polls). Both read back what
 *     the active locality last wrote there (per locality; 0 at power on),
 *     nothing is ever raised. Read from any locality; written by the
 *     active one only (else refused).
 *   INT_STATUS (0x10, 4): reads 0 from any locality (nothing is raised);
 *     writes (write 1 to clear) from the active locality have nothing to
 *     clear; from another: refused.
 *   INTF_CAPABILITY (0x14, 4), RO, any locality: interface version 1.3
 *     for TPM 2.0 (bits 30:28 = 3), 64-byte transfers (10:9 = 3), burst
 *     count dynamic (8 = 0), no interrupt type (7:0 = 0).
 *   STS (0x18, 4), active locality only (else refused):
 *     read: stsValid (7) 1; commandReady (6) state Ready; dataAvail (4)
 *     Completion with response bytes unread; Expect (3) Reception and the
 *     command incomplete (fewer than 6 bytes, or fewer than its header's
 *     commandSize); burstCount (23:8) free buffer bytes in Ready and
 *     Reception, unread response bytes in Completion, 0 in Idle; tpmFamily
 *     (27:26) 1 = TPM 2.0. tpmGo (5), responseRetry (1), selfTestDone (2;
 *     not tracked) and reserved bits read 0.
 *     write: setting more than one of commandReady, tpmGo, responseRetry
 *     in one write is ambiguous: refused.
 *     commandReady 1: any state to Ready, the buffer emptied (in
 *       Reception this aborts the command, in Completion it drops the
 *       response).
 *     tpmGo 1 in Reception: the command (the bytes written, tpm_iface.h's
 *       rule: a commandSize other than the bytes written, or bytes beyond
 *       the buffer, or fewer than a header, get TPM_RC_COMMAND_SIZE) runs
 *       within this MMIO exit; state Completion. In any other state:
 *       refused.
 *     responseRetry 1 in Completion: the response is read again from its
 *       first byte. In any other state: refused.
 *     commandCancel (24) 1: cancels a command in Execution; commands run
 *       synchronously under the device lock, so none ever is (a response
 *       is already there): no effect, as the profile has it for a
 *       completed command. Not refused.
 *     resetEstablishmentBit (25): no effect (tpmEstablishment stays 1).
 *   DATA_FIFO (0x24, 4) and XDATA_FIFO (0x80..0xBF), active locality
 *     only (else refused); each byte of an access is one FIFO byte, in
 *     address order:
 *     write in Ready: starts Reception with this byte; in Reception:
 *       appended (past TPM_TIS_BUF_SIZE: dropped, the command marked
 *       oversized, refused). In Idle or Completion: refused.
 *     read in Completion: the next response byte; past its end, or in
 *       another state: 0xFF, refused.
 *   INTERFACE_ID (0x30, 4), RO, any locality: FIFO interface (3:0 = 0,
 *     version 7:4 = 0), five localities (8), 64-byte transfers (12:11 =
 *     3), CapFIFO (13), interface selector FIFO (18:17 = 0) and locked
 *     (19).
 *   DID_VID (0xF00, 4), RID (0xF04, 1), RO, any locality: vendor 0x1014
 *     (IBM, the maker of libtpms, the engine TPM_PT_MANUFACTURER names),
 *     device 0x0001, revision 1.
 *   Every other byte (including locality 4's TPM_HASH_* registers):
 *     reads 0xFF, writes refused.
 *   Writes to the RO registers: refused.
 *
 * Relinquish and seize discard the buffer: a locality never reads another
 * locality's response.
 *
 * The TPM behind it is a callback (tpm_iface.h; tpm_lib.h in the
 * paravisor), so the register state machine is tested alone.
 */
#ifndef MANTLE_VMM_TPM_TIS_H
#define MANTLE_VMM_TPM_TIS_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "acpi.h"
#include "mmiobus.h"
#include "tpm_iface.h"

#define TPM_TIS_GPA 0xFED40000u
#define TPM_TIS_LOCALITIES 5u
#define TPM_TIS_PAGE 0x1000u
#define TPM_TIS_SIZE (TPM_TIS_LOCALITIES * TPM_TIS_PAGE)
/* The locality no software holds (the DRTM's). */
#define TPM_TIS_HW_LOCALITY 4u
/* The command/response buffer: Linux's TPM_BUFSIZE, libtpms's maximum. */
#define TPM_TIS_BUF_SIZE 4096u
_Static_assert(TPM_TIS_GPA == ACPI_TPM_GPA, "ACPI's TPM0 is this device");
_Static_assert(TPM_TIS_SIZE == ACPI_TPM_SIZE, "TPM0's _CRS covers it all");

/* Register offsets inside a locality page, and their widths. */
#define TPM_TIS_ACCESS 0x00u
#define TPM_TIS_INT_ENABLE 0x08u
#define TPM_TIS_INT_VECTOR 0x0Cu
#define TPM_TIS_INT_STATUS 0x10u
#define TPM_TIS_INTF_CAPABILITY 0x14u
#define TPM_TIS_STS 0x18u
#define TPM_TIS_DATA_FIFO 0x24u
#define TPM_TIS_INTERFACE_ID 0x30u
#define TPM_TIS_XDATA_FIFO 0x80u
#define TPM_TIS_XDATA_FIFO_LEN 0x40u
#define TPM_TIS_DID_VID 0xF00u
#define TPM_TIS_RID 0xF04u

#define TPM_TIS_ACCESS_ESTABLISHMENT (1u << 0)
#define TPM_TIS_ACCESS_REQUEST_USE (1u << 1)
#define TPM_TIS_ACCESS_PENDING (1u << 2)
#define TPM_TIS_ACCESS_SEIZE (1u << 3)
#define TPM_TIS_ACCESS_BEEN_SEIZED (1u << 4)
#define TPM_TIS_ACCESS_ACTIVE (1u << 5)
#define TPM_TIS_ACCESS_VALID (1u << 7)

#define TPM_TIS_STS_RESPONSE_RETRY (1u << 1)
#define TPM_TIS_STS_EXPECT (1u << 3)
#define TPM_TIS_STS_DATA_AVAIL (1u << 4)
#define TPM_TIS_STS_GO (1u << 5)
#define TPM_TIS_STS_COMMAND_READY (1u << 6)
#define TPM_TIS_STS_VALID (1u << 7)
#define TPM_TIS_STS_BURST_SHIFT 8
#define TPM_TIS_STS_CANCEL (1u << 24)
#define TPM_TIS_STS_RESET_ESTABLISHMENT (1u << 25)
#define TPM_TIS_STS_FAMILY_TPM2 (1u << 26)

#define TPM_TIS_INTF_CAPABILITY_VALUE ((3u << 28) | (3u << 9))
#define TPM_TIS_INTERFACE_ID_VALUE \
	((1u << 8) | (3u << 11) | (1u << 13) | (1u << 19))
#define TPM_TIS_VID 0x1014u
#define TPM_TIS_DID 0x0001u
#define TPM_TIS_DID_VID_VALUE (TPM_TIS_DID << 16 | TPM_TIS_VID)
#define TPM_TIS_RID_VALUE 0x01u

#define TPM_TIS_NO_LOCALITY 0xFFu

enum tpm_tis_state {
	TPM_TIS_IDLE,
	TPM_TIS_READY,
	TPM_TIS_RECEPTION,
	TPM_TIS_COMPLETION,
};

struct tpm_tis {
	pthread_mutex_t lock;
	tpm_exec_fn exec;
	void *exec_ctx;
	uint8_t active; /* locality holding access, or TPM_TIS_NO_LOCALITY */
	uint8_t waiting; /* bit per locality: requestUse pending */
	uint8_t seized; /* bit per locality: beenSeized */
	uint8_t state; /* enum tpm_tis_state */
	uint8_t oversized; /* command bytes past the buffer were dropped */
	uint32_t len; /* command bytes received, or response length */
	uint32_t pos; /* response bytes read */
	uint32_t int_enable[TPM_TIS_LOCALITIES];
	uint8_t int_vector[TPM_TIS_LOCALITIES];
	uint64_t commands; /* tpmGo writes that ran (or answered) a command */
	uint64_t malformed; /* of those, answered TPM_RC_COMMAND_SIZE */
	uint64_t refused; /* accesses refused by the rules above */
	uint8_t cmd[TPM_TIS_BUF_SIZE];
	uint8_t rsp[TPM_TIS_BUF_SIZE];
};

void tpm_tis_init(struct tpm_tis *t, tpm_exec_fn exec, void *ctx);
void tpm_tis_destroy(struct tpm_tis *t);
/* off: from TPM_TIS_GPA (0..TPM_TIS_SIZE-1); len 1..8. */
void tpm_tis_read(struct tpm_tis *t, uint64_t off, uint8_t *data,
		  unsigned int len);
void tpm_tis_write(struct tpm_tis *t, uint64_t off, const uint8_t *data,
		   unsigned int len);

/* State on the MMIO bus: the struct tpm_tis. */
extern const struct mmio_ops tpm_tis_mmio_ops;

#endif
