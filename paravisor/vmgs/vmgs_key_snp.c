// SPDX-License-Identifier: MIT
/* struct vmgs_key_sp over snp_guest.h (vmgs_key_snp.h). */
#include "vmgs_key_snp.h"

#include <string.h>

#include <openssl/crypto.h>

#include "mantle_bytes.h"

static int snp_derive(void *arg, const struct snp_derived_key_req *req,
		      uint8_t key[SNP_DERIVED_KEY_LEN])
{
	struct vmgs_key_snp *a = arg;

	if (a->have_key && !memcmp(&a->req, req, sizeof(*req))) {
		memcpy(key, a->key, SNP_DERIVED_KEY_LEN);
		return 0;
	}
	a->err = snp_guest_derive_key(a->g, req, key);
	if (a->err != SNP_GUEST_OK)
		return -1;
	a->req = *req;
	memcpy(a->key, key, SNP_DERIVED_KEY_LEN);
	a->have_key = true;
	return 0;
}

static int snp_tcb(void *arg, uint64_t *tcb)
{
	static uint8_t report[SNP_REPORT_SIZE];
	uint8_t user_data[SNP_REPORT_DATA_LEN];
	struct vmgs_key_snp *a = arg;

	if (!a->have_tcb) {
		/* REPORT_DATA says what the report is for; nobody checks. */
		memset(user_data, 0, sizeof(user_data));
		memcpy(user_data, "mantle vmgs key: current tcb", 28);
		a->err = snp_guest_report(a->g, user_data, 0, report);
		if (a->err != SNP_GUEST_OK)
			return -1;
		a->tcb = get_le64(report + SNP_R_REPORTED_TCB);
		a->have_tcb = true;
	}
	*tcb = a->tcb;
	return 0;
}

static const char *snp_error(void *arg)
{
	const struct vmgs_key_snp *a = arg;

	return snp_guest_strerror(a->err);
}

struct vmgs_key_sp vmgs_key_sp_snp(struct vmgs_key_snp *a, struct snp_guest *g)
{
	memset(a, 0, sizeof(*a));
	a->g = g;
	a->err = SNP_GUEST_OK;
	return (struct vmgs_key_sp){ .derive = snp_derive,
				     .tcb = snp_tcb,
				     .strerror = snp_error,
				     .arg = a };
}

void vmgs_key_snp_set_tcb(struct vmgs_key_snp *a, uint64_t tcb)
{
	a->tcb = tcb;
	a->have_tcb = true;
}

void vmgs_key_snp_forget(struct vmgs_key_snp *a)
{
	OPENSSL_cleanse(a->key, sizeof(a->key));
	a->have_key = false;
	a->have_tcb = false;
}
