/* SPDX-License-Identifier: MIT */
/*
 * libvmgs I/O backend over the control channel (paravisor side). The host
 * serves only the VMGS data part, so the VMGS is opened raw
 * (VMGS_OPEN_RAW): no VHD footer ever crosses the channel.
 */
#ifndef HOSTIF_VMGS_H
#define HOSTIF_VMGS_H

#include "hostif_client.h"
#include "vmgs/vmgs.h"

/*
 * Asks the host for the device geometry (VMGS_INFO), checks it, and fills
 * io. The client must outlive the io; closing the io leaves it open.
 */
enum vmgs_err hostif_vmgs_io_new(struct hostif_client *c, struct vmgs_io *io);

/*
 * Never format, even an empty VMGS. A host can always claim "all zero"; a
 * caller that knows the VMGS was provisioned before should pass this.
 */
#define HOSTIF_VMGS_NO_FORMAT 0x100u

/*
 * Opens the VMGS through the channel: an all-zero (never formatted) one is
 * formatted (with VMGS_OPEN_WRITE, unless HOSTIF_VMGS_NO_FORMAT), a damaged
 * non-empty one is refused with libvmgs's error. VMGS_OPEN_RAW is implied.
 * *formatted tells whether it was formatted now (may be NULL).
 */
enum vmgs_err hostif_vmgs_open(struct hostif_client *c, unsigned flags,
			       struct vmgs **out, int *formatted);

#endif /* HOSTIF_VMGS_H */
