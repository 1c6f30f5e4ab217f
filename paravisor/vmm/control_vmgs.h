/* SPDX-License-Identifier: MIT */
/*
 * The VMGS open policy over the control channel, apart from the port and
 * the thread so that unit tests drive it against a real hostif server.
 */
#ifndef MANTLE_VMM_CONTROL_VMGS_H
#define MANTLE_VMM_CONTROL_VMGS_H

#include <stddef.h>

#include "hostif_vmgs.h"

/* Whole opens tried before a damaged or unreachable VMGS is given up. */
#define PV_VMGS_OPEN_TRIES 4

enum pv_vmgs_result {
	PV_VMGS_NONE, /* the host serves no VMGS */
	PV_VMGS_OPENED, /* a formatted VMGS, opened */
	PV_VMGS_FORMATTED, /* it was all zero: formatted now */
	PV_VMGS_DAMAGED, /* not empty and not valid: refused, untouched */
	PV_VMGS_UNREACHABLE, /* the channel failed on every try */
};

/*
 * Opens the VMGS the host serves, read-write. A read that fails or returns
 * damage is read again (a host fault once is not damage); all zero must be
 * seen twice before it is formatted; a VMGS damaged on every try is refused
 * and never written. *out is the open VMGS for OPENED and FORMATTED, else
 * NULL; why gets a one-line account (libvmgs's error for the failures).
 */
enum pv_vmgs_result pv_vmgs_open(struct hostif_client *c, struct vmgs **out,
				 char *why, size_t whylen);

const char *pv_vmgs_result_name(enum pv_vmgs_result r);

#endif
