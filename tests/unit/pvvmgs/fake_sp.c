// SPDX-License-Identifier: MIT
#include "fake_sp.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "mantle_bytes.h"

static int fake_tcb(void *arg, uint64_t *tcb)
{
	struct fake_chip *c = arg;

	if (c->fail)
		return -1;
	*tcb = c->tcb;
	return 0;
}

void fake_chip_init(struct fake_chip *c, uint8_t seed, uint8_t m)
{
	memset(c, 0, sizeof(*c));
	memset(c->secret, seed, sizeof(c->secret));
	memset(c->measurement, m, sizeof(c->measurement));
	c->policy = 0x30000;
	c->tcb = 0x1100000000000004ull;
	c->sp = (struct vmgs_key_sp){ .derive = fake_chip_derive,
				      .tcb = fake_tcb,
				      .arg = c };
}

int fake_chip_derive(void *arg, const struct snp_derived_key_req *r,
		     uint8_t key[SNP_DERIVED_KEY_LEN])
{
	struct fake_chip *c = arg;
	uint8_t msg[32 + 48 + 8 + 8], *p = msg;
	unsigned int n = SNP_DERIVED_KEY_LEN;

	/* As SNP: the firmware refuses a TCB above the current one. */
	if (c->fail || !vmgs_kp_tcb_le(r->tcb_version, c->tcb) || r->vmpl > 3)
		return -1;
	put_le32(p, r->root_key_select);
	put_le64(p + 4, r->guest_field_select);
	put_le32(p + 12, r->vmpl);
	p += 16;
	if (r->guest_field_select & SNP_FIELD_GUEST_SVN) {
		put_le32(p, r->guest_svn);
		p += 4;
	}
	if (r->guest_field_select & SNP_FIELD_TCB_VERSION) {
		put_le64(p, r->tcb_version);
		p += 8;
	}
	if (r->guest_field_select & SNP_FIELD_POLICY) {
		put_le64(p, c->policy);
		p += 8;
	}
	if (r->guest_field_select & SNP_FIELD_MEASUREMENT) {
		memcpy(p, c->measurement, 48);
		p += 48;
	}
	c->derives++;
	return HMAC(EVP_sha256(), c->secret, sizeof(c->secret), msg,
		    (size_t)(p - msg), key, &n) ?
		       0 :
		       -1;
}
