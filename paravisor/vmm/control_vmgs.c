// SPDX-License-Identifier: MIT
/*
 * The VMGS open policy (control_vmgs.h). The host answers every read, so a
 * single bad answer proves nothing about the stored file: a damaged or
 * empty view is read again before it decides anything. Only the outcome
 * "all zero, twice" leads to a write (the format).
 */
#include "control_vmgs.h"

#include <stdio.h>

/* Damage libvmgs reports for a container that is there but not valid. */
static int is_damage(enum vmgs_err e)
{
	switch (e) {
	case VMGS_E_FILE_SIZE:
	case VMGS_E_V1_FORMAT:
	case VMGS_E_BAD_HEADER:
	case VMGS_E_BAD_SEQUENCE:
	case VMGS_E_BAD_TABLE:
	case VMGS_E_OVERLAP:
		return 1;
	default:
		return 0;
	}
}

const char *pv_vmgs_result_name(enum pv_vmgs_result r)
{
	switch (r) {
	case PV_VMGS_NONE:
		return "none";
	case PV_VMGS_OPENED:
		return "opened";
	case PV_VMGS_FORMATTED:
		return "formatted";
	case PV_VMGS_DAMAGED:
		return "refused";
	case PV_VMGS_UNREACHABLE:
		return "unreachable";
	}
	return "?";
}

enum pv_vmgs_result pv_vmgs_open(struct hostif_client *c, struct vmgs **out,
				 char *why, size_t whylen)
{
	enum vmgs_err e = VMGS_E_IO;
	unsigned empties = 0, damaged = 0, failed = 0;
	uint32_t ss;
	uint64_t n;
	int r;

	*out = NULL;
	r = hostif_client_vmgs_info(c, &ss, &n);
	if (r == -HOSTIF_E_STATUS) {
		snprintf(why, whylen, "the host serves no VMGS");
		return PV_VMGS_NONE;
	}
	if (r) {
		snprintf(why, whylen, "VMGS_INFO failed: %s",
			 hostif_strerror(r));
		return PV_VMGS_UNREACHABLE;
	}
	/* EMPTY is only returned with NO_FORMAT, i.e. at most twice. */
	while (damaged + failed < PV_VMGS_OPEN_TRIES) {
		unsigned flags = VMGS_OPEN_WRITE;
		int formatted = 0;

		if (empties < 2)
			flags |= HOSTIF_VMGS_NO_FORMAT;
		e = hostif_vmgs_open(c, flags, out, &formatted);
		if (!e) {
			snprintf(why, whylen,
				 "%s %llu bytes (after %u damaged and %u "
				 "failed reads)",
				 formatted ? "formatted an all-zero VMGS of" :
					     "opened a VMGS of",
				 (unsigned long long)vmgs_capacity(*out),
				 damaged, failed);
			return formatted ? PV_VMGS_FORMATTED : PV_VMGS_OPENED;
		}
		*out = NULL;
		if (e == VMGS_E_EMPTY && empties < 2)
			empties++;
		else if (is_damage(e))
			damaged++;
		else
			failed++;
	}
	if (!failed) {
		snprintf(why, whylen,
			 "the VMGS is damaged (%s: %s) on %u reads: refused, "
			 "left untouched",
			 vmgs_errname(e), vmgs_strerror(e), damaged);
		return PV_VMGS_DAMAGED;
	}
	snprintf(why, whylen,
		 "the VMGS could not be read: last %s (%s); %u failed and %u "
		 "damaged reads",
		 vmgs_errname(e), vmgs_strerror(e), failed, damaged);
	return PV_VMGS_UNREACHABLE;
}
