// SPDX-License-Identifier: MIT
/*
 * The VMGS open policy (control_vmgs.h). The host answers every read, so a
 * single bad answer proves nothing about the stored file: an empty or
 * refused view is read again before it decides anything. Only "empty,
 * twice" leads to a write (the provisioning, vmgs_key.c).
 */
#include "control_vmgs.h"

#include <stdio.h>

#include "mantle_pv_status.h"

static const struct {
	const char *name;
	int status;
} results[PV_VMGS_RESULT_COUNT] = {
	[PV_VMGS_NONE] = { "none", 0 },
	[PV_VMGS_OPENED] = { "opened", 0 },
	[PV_VMGS_PROVISIONED] = { "provisioned", 0 },
	[PV_VMGS_DAMAGED] = { "refused", PV_EXIT_VMGS },
	[PV_VMGS_LOCKED] = { "refused", PV_EXIT_VMGS_LOCKED },
	[PV_VMGS_PLAINTEXT] = { "refused", PV_EXIT_VMGS_PLAINTEXT },
	[PV_VMGS_POLICY] = { "refused", PV_EXIT_VMGS_POLICY },
	[PV_VMGS_NO_SP] = { "refused", PV_EXIT_NO_SP },
	[PV_VMGS_UNREACHABLE] = { "unreachable", PV_EXIT_HOSTIF },
};

/* What a refusal of vmgs_key_open is here (EMPTY and IO are not). */
static const enum pv_vmgs_result from_key[VMGS_KEY_RESULT_COUNT] = {
	[VMGS_KEY_OPENED] = PV_VMGS_OPENED,
	[VMGS_KEY_PROVISIONED] = PV_VMGS_PROVISIONED,
	[VMGS_KEY_EMPTY] = PV_VMGS_UNREACHABLE,
	[VMGS_KEY_IO] = PV_VMGS_UNREACHABLE,
	[VMGS_KEY_DAMAGED] = PV_VMGS_DAMAGED,
	[VMGS_KEY_LOCKED] = PV_VMGS_LOCKED,
	[VMGS_KEY_PLAINTEXT] = PV_VMGS_PLAINTEXT,
	[VMGS_KEY_POLICY] = PV_VMGS_POLICY,
	[VMGS_KEY_NO_SP] = PV_VMGS_NO_SP,
};

const char *pv_vmgs_result_name(enum pv_vmgs_result r)
{
	return (unsigned)r < PV_VMGS_RESULT_COUNT ? results[r].name : "?";
}

int pv_vmgs_exit_status(enum pv_vmgs_result r)
{
	return (unsigned)r < PV_VMGS_RESULT_COUNT ? results[r].status :
						    PV_EXIT_INTERNAL;
}

static enum vmgs_err channel_io(void *arg, struct vmgs_io *io)
{
	return hostif_vmgs_io_new(arg, io);
}

struct tries {
	unsigned empties, refused, failed;
	enum vmgs_key_result last;
};

/* Another whole open, unless the last one decided. */
static int again(const struct tries *t)
{
	return t->refused + t->failed < PV_VMGS_OPEN_TRIES;
}

static void count(struct tries *t, enum vmgs_key_result r)
{
	t->last = r;
	if (r == VMGS_KEY_EMPTY)
		t->empties++;
	else if (r == VMGS_KEY_IO)
		t->failed++;
	else
		t->refused++;
}

enum pv_vmgs_result pv_vmgs_open(struct hostif_client *c,
				 const struct vmgs_key_cfg *cfg,
				 struct vmgs **out, char *why, size_t whylen)
{
	const struct vmgs_key_store st = { .io_new = channel_io,
					   .arg = c,
					   .flags = VMGS_OPEN_WRITE |
						    VMGS_OPEN_RAW };
	struct tries t = { .last = VMGS_KEY_IO };
	char last[200] = "";
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
	/* EMPTY is returned only while empties < 2, i.e. at most twice. */
	while (again(&t)) {
		enum vmgs_key_result k = vmgs_key_open(&st, cfg, t.empties >= 2,
						       out, last, sizeof(last));

		if (k == VMGS_KEY_OPENED || k == VMGS_KEY_PROVISIONED) {
			snprintf(why, whylen,
				 "%s (after %u damaged and %u failed reads)",
				 last, t.refused, t.failed);
			return from_key[k];
		}
		/* Without a key there is nothing to read again for. */
		if (k == VMGS_KEY_NO_SP) {
			t.last = k;
			break;
		}
		count(&t, k);
	}
	snprintf(why, whylen, "%s; %u refused and %u failed reads", last,
		 t.refused, t.failed);
	return t.failed && t.last != VMGS_KEY_NO_SP ? PV_VMGS_UNREACHABLE :
						      from_key[t.last];
}
