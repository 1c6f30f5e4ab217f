// SPDX-License-Identifier: MIT
/*
 * The VMGS key policy (vmgs_key.h, VMGS-KEY.md): provision a new VMGS
 * encrypted, unlock a provisioned one, refuse the rest untouched.
 *
 * Provisioning writes in an order that a crash at any write leaves either
 * a VMGS with no data (all zero, formatted empty, or empty plus the
 * protector: provisioned again next boot) or the complete encrypted one:
 * derive the key (nothing written yet), format, write the protector
 * (plaintext), turn encryption on with the datastore key, then write the
 * protector again so that both header slots are of the encrypted VMGS.
 */
#include "vmgs_key.h"

#include <stdio.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/rand.h>

static const char *const result_names[VMGS_KEY_RESULT_COUNT] = {
	[VMGS_KEY_OPENED] = "opened",
	[VMGS_KEY_PROVISIONED] = "provisioned",
	[VMGS_KEY_EMPTY] = "empty",
	[VMGS_KEY_IO] = "unreadable",
	[VMGS_KEY_DAMAGED] = "damaged",
	[VMGS_KEY_LOCKED] = "locked",
	[VMGS_KEY_PLAINTEXT] = "plaintext",
	[VMGS_KEY_POLICY] = "policy-mismatch",
	[VMGS_KEY_NO_SP] = "no-secure-processor",
};

const char *vmgs_key_result_name(enum vmgs_key_result r)
{
	return (unsigned)r < VMGS_KEY_RESULT_COUNT ? result_names[r] : "?";
}

/* Damage libvmgs reports for a container that is there but not valid. */
static const enum vmgs_err damage_errs[] = {
	VMGS_E_FILE_SIZE,    VMGS_E_V1_FORMAT,	VMGS_E_BAD_HEADER,
	VMGS_E_BAD_SEQUENCE, VMGS_E_BAD_TABLE,	VMGS_E_OVERLAP,
	VMGS_E_NO_FOOTER,    VMGS_E_BAD_FOOTER,
};

static bool is_damage(enum vmgs_err e)
{
	for (size_t i = 0; i < sizeof(damage_errs) / sizeof(damage_errs[0]);
	     i++)
		if (damage_errs[i] == e)
			return true;
	return false;
}

/* Any file but the tables and a protector a provisioning left. */
static bool holds_data(const struct vmgs *v)
{
	struct vmgs_file_info info[VMGS_FILE_COUNT];

	vmgs_list(v, info);
	for (unsigned i = 0; i < VMGS_FILE_COUNT; i++) {
		if (i == VMGS_FID_FILE_TABLE ||
		    i == VMGS_FID_HW_KEY_PROTECTOR ||
		    i == VMGS_FID_EXTENDED_FILE_TABLE)
			continue;
		if (info[i].allocated)
			return true;
	}
	return false;
}

static const char *sp_error(const struct vmgs_key_sp *sp)
{
	const char *s = sp->strerror ? sp->strerror(sp->arg) : NULL;

	return s ? s : "failed";
}

/* The platform's TCB; ~0 (every component at its top) without tcb(),
 * leaving the firmware alone to refuse a TCB above its own. */
static int current_tcb(const struct vmgs_key_cfg *cfg, uint64_t *tcb, char *why,
		       size_t whylen)
{
	*tcb = ~0ull;
	if (cfg->sp->tcb && cfg->sp->tcb(cfg->sp->arg, tcb)) {
		snprintf(why, whylen,
			 "the secure processor gave no TCB (%s): refused, "
			 "left untouched",
			 sp_error(cfg->sp));
		return -1;
	}
	return 0;
}

static int derive(const struct vmgs_key_cfg *cfg,
		  const struct snp_derived_key_req *r,
		  uint8_t key[SNP_DERIVED_KEY_LEN], char *why, size_t whylen)
{
	if (cfg->sp->derive(cfg->sp->arg, r, key)) {
		OPENSSL_cleanse(key, SNP_DERIVED_KEY_LEN);
		snprintf(why, whylen,
			 "the secure processor derived no key (MSG_KEY_REQ: "
			 "%s): refused, left untouched",
			 sp_error(cfg->sp));
		return -1;
	}
	return 0;
}

/* The new protector: the key request at the current TCB, the derived key,
 * a fresh datastore key wrapped under it. Writes nothing. */
static enum vmgs_key_result new_protector(const struct vmgs_key_cfg *cfg,
					  uint8_t dek[VMGS_KEY_SIZE],
					  uint8_t kp[VMGS_KP_SIZE], char *why,
					  size_t whylen)
{
	struct snp_derived_key_req req;
	uint8_t derived[SNP_DERIVED_KEY_LEN];
	uint64_t tcb;
	enum vmgs_kp_err ke;

	if (current_tcb(cfg, &tcb, why, whylen))
		return VMGS_KEY_NO_SP;
	/* Without tcb() the paravisor asks at TCB 0, which every platform
	 * can derive. */
	if (!cfg->sp->tcb)
		tcb = 0;
	vmgs_kp_request(cfg->policy, tcb, &req);
	if (derive(cfg, &req, derived, why, whylen))
		return VMGS_KEY_NO_SP;
	ke = RAND_priv_bytes(dek, VMGS_KEY_SIZE) == 1 ?
		     vmgs_kp_seal(derived, &req, dek, kp) :
		     VMGS_KP_E_CRYPTO;
	OPENSSL_cleanse(derived, sizeof(derived));
	if (ke) {
		snprintf(why, whylen, "no new VMGS key: %s",
			 vmgs_kp_strerror(ke));
		return VMGS_KEY_NO_SP;
	}
	return VMGS_KEY_OPENED;
}

/* Format, protector, first key: the order the crash rule needs. */
static enum vmgs_err write_new(const struct vmgs_key_store *st,
			       const uint8_t dek[VMGS_KEY_SIZE],
			       const uint8_t kp[VMGS_KP_SIZE],
			       struct vmgs **out)
{
	uint64_t footer = st->flags & VMGS_OPEN_RAW ? 0 : VMGS_VHD_FOOTER_SIZE;
	struct vmgs_io io;
	struct vmgs *v = NULL;
	enum vmgs_err e = st->io_new(st->arg, &io);

	if (e)
		return e;
	e = vmgs_format(&io, io.size - footer, st->flags, &v);
	if (e) {
		vmgs_io_close(&io);
		return e;
	}
	e = vmgs_write(v, VMGS_FID_HW_KEY_PROTECTOR, kp, VMGS_KP_SIZE, 0);
	if (!e)
		e = vmgs_add_first_key(v, dek);
	/*
	 * Once more, so that the other header slot holds an encrypted
	 * version too: else a damaged read of the newest header would fall
	 * back to the one before encryption (empty but for the protector),
	 * which is provisioned anew.
	 */
	if (!e)
		e = vmgs_write(v, VMGS_FID_HW_KEY_PROTECTOR, kp, VMGS_KP_SIZE,
			       VMGS_WRITE_OVERWRITE);
	if (e) {
		vmgs_close(v);
		return e;
	}
	*out = v;
	return VMGS_OK;
}

static enum vmgs_key_result provision(const struct vmgs_key_store *st,
				      const struct vmgs_key_cfg *cfg,
				      const char *before, struct vmgs **out,
				      char *why, size_t whylen)
{
	uint8_t dek[VMGS_KEY_SIZE], kp[VMGS_KP_SIZE];
	enum vmgs_key_result r = new_protector(cfg, dek, kp, why, whylen);
	enum vmgs_err e;

	if (r != VMGS_KEY_OPENED)
		return r;
	e = write_new(st, dek, kp, out);
	OPENSSL_cleanse(dek, sizeof(dek));
	if (e) {
		snprintf(why, whylen, "provisioning the VMGS failed: %s (%s)",
			 vmgs_errname(e), vmgs_strerror(e));
		return VMGS_KEY_IO;
	}
	snprintf(why, whylen,
		 "provisioned a new encrypted VMGS of %llu bytes (it was %s), "
		 "key policy %s",
		 (unsigned long long)vmgs_capacity(*out), before,
		 vmgs_key_policy_name(cfg->policy));
	return VMGS_KEY_PROVISIONED;
}

/* The protector as stored, decoded; LOCKED with why if it is not one. */
static enum vmgs_key_result read_protector(struct vmgs *v, struct vmgs_kp *kp,
					   char *why, size_t whylen)
{
	uint8_t buf[VMGS_KP_SIZE + 1];
	uint64_t len = 0;
	enum vmgs_err e = vmgs_read_into(v, VMGS_FID_HW_KEY_PROTECTOR, 0, buf,
					 sizeof(buf), &len);
	enum vmgs_kp_err ke;

	if (e == VMGS_E_IO) {
		snprintf(why, whylen, "reading the key protector failed");
		return VMGS_KEY_IO;
	}
	if (e) {
		snprintf(why, whylen,
			 "the VMGS is encrypted but its key protector "
			 "(file %u) is unreadable: %s: refused, left untouched",
			 VMGS_FID_HW_KEY_PROTECTOR, vmgs_strerror(e));
		return VMGS_KEY_LOCKED;
	}
	ke = vmgs_kp_decode(buf, (size_t)len, kp);
	if (ke) {
		snprintf(why, whylen, "%s: refused, left untouched",
			 vmgs_kp_strerror(ke));
		return VMGS_KEY_LOCKED;
	}
	return VMGS_KEY_OPENED;
}

/* The datastore key out of the protector, derived as it records. */
static enum vmgs_key_result unwrap(const struct vmgs_key_cfg *cfg,
				   const struct vmgs_kp *kp,
				   uint8_t dek[VMGS_KEY_SIZE], char *why,
				   size_t whylen)
{
	uint8_t derived[SNP_DERIVED_KEY_LEN];
	uint64_t tcb;
	enum vmgs_kp_err ke;

	if (kp->policy != cfg->policy) {
		snprintf(why, whylen,
			 "the VMGS key is sealed under key policy %s, this "
			 "launch asks for %s: refused, left untouched (change "
			 "the policy with --vmgs-reprovision, which loses the "
			 "state)",
			 vmgs_key_policy_name(kp->policy),
			 vmgs_key_policy_name(cfg->policy));
		return VMGS_KEY_POLICY;
	}
	if (current_tcb(cfg, &tcb, why, whylen))
		return VMGS_KEY_NO_SP;
	/* The firmware refuses a TCB above its own (and the refusal would
	 * retire VMPCK0): a protector claiming one is not asked about. */
	if (!vmgs_kp_tcb_le(kp->req.tcb_version, tcb)) {
		snprintf(why, whylen,
			 "the key protector names TCB 0x%016llx, above the "
			 "platform's 0x%016llx (a tampered protector, or a "
			 "firmware rollback): refused, left untouched",
			 (unsigned long long)kp->req.tcb_version,
			 (unsigned long long)tcb);
		return VMGS_KEY_LOCKED;
	}
	if (derive(cfg, &kp->req, derived, why, whylen))
		return VMGS_KEY_NO_SP;
	ke = vmgs_kp_open(derived, kp, dek);
	OPENSSL_cleanse(derived, sizeof(derived));
	if (ke) {
		snprintf(why, whylen, "%s: refused, left untouched",
			 vmgs_kp_strerror(ke));
		return VMGS_KEY_LOCKED;
	}
	return VMGS_KEY_OPENED;
}

static enum vmgs_key_result
unlock(struct vmgs *v, const struct vmgs_key_cfg *cfg, char *why, size_t whylen)
{
	struct vmgs_kp kp;
	uint8_t dek[VMGS_KEY_SIZE];
	enum vmgs_key_result r = read_protector(v, &kp, why, whylen);
	enum vmgs_err e;

	if (r == VMGS_KEY_OPENED)
		r = unwrap(cfg, &kp, dek, why, whylen);
	if (r != VMGS_KEY_OPENED)
		return r;
	e = vmgs_unlock(v, dek);
	OPENSSL_cleanse(dek, sizeof(dek));
	if (e == VMGS_E_IO) {
		snprintf(why, whylen, "reading the VMGS failed");
		return VMGS_KEY_IO;
	}
	if (e) {
		snprintf(why, whylen,
			 "the key protector unwraps but its key does not "
			 "unlock this VMGS (%s: %s; a protector swapped from "
			 "another VMGS, or a tampered table): refused, left "
			 "untouched",
			 vmgs_errname(e), vmgs_strerror(e));
		return VMGS_KEY_LOCKED;
	}
	snprintf(why, whylen,
		 "opened an encrypted VMGS of %llu bytes, key policy %s, "
		 "TCB 0x%016llx",
		 (unsigned long long)vmgs_capacity(v),
		 vmgs_key_policy_name(kp.policy),
		 (unsigned long long)kp.req.tcb_version);
	return VMGS_KEY_OPENED;
}

/* vmgs_open failed with e: empty, damaged or unreadable. */
static enum vmgs_key_result not_opened(const struct vmgs_key_store *st,
				       const struct vmgs_key_cfg *cfg,
				       bool may_provision, enum vmgs_err e,
				       struct vmgs **out, char *why,
				       size_t whylen)
{
	if (e == VMGS_E_EMPTY && (may_provision || cfg->reprovision))
		return provision(st, cfg, "all zero", out, why, whylen);
	if (e == VMGS_E_EMPTY) {
		snprintf(why, whylen, "the VMGS is all zero");
		return VMGS_KEY_EMPTY;
	}
	if (is_damage(e) && cfg->reprovision)
		return provision(st, cfg, "damaged, --vmgs-reprovision", out,
				 why, whylen);
	snprintf(why, whylen, "the VMGS %s (%s: %s)%s",
		 is_damage(e) ? "is damaged" : "could not be read",
		 vmgs_errname(e), vmgs_strerror(e),
		 is_damage(e) ? ": refused, left untouched" : "");
	return is_damage(e) ? VMGS_KEY_DAMAGED : VMGS_KEY_IO;
}

/* An unencrypted VMGS (v is closed here): empty, or a downgrade. */
static enum vmgs_key_result plaintext(const struct vmgs_key_store *st,
				      const struct vmgs_key_cfg *cfg,
				      bool may_provision, struct vmgs *v,
				      struct vmgs **out, char *why,
				      size_t whylen)
{
	bool data = holds_data(v);

	vmgs_close(v);
	if (!data && (may_provision || cfg->reprovision))
		return provision(st, cfg, "formatted but empty", out, why,
				 whylen);
	if (!data) {
		snprintf(why, whylen, "the VMGS is formatted but empty");
		return VMGS_KEY_EMPTY;
	}
	if (cfg->reprovision)
		return provision(st, cfg, "unencrypted, --vmgs-reprovision",
				 out, why, whylen);
	snprintf(why, whylen,
		 "the VMGS is not encrypted and holds data (an old or "
		 "substituted VMGS: a downgrade): refused, left untouched "
		 "(--vmgs-reprovision replaces it, losing the state)");
	return VMGS_KEY_PLAINTEXT;
}

enum vmgs_key_result vmgs_key_open(const struct vmgs_key_store *st,
				   const struct vmgs_key_cfg *cfg,
				   bool may_provision, struct vmgs **out,
				   char *why, size_t whylen)
{
	struct vmgs_io io;
	struct vmgs *v = NULL;
	enum vmgs_key_result r;
	enum vmgs_err e;
	char first[256];

	*out = NULL;
	if (!cfg->sp) {
		snprintf(why, whylen,
			 "no secure processor: a VMGS is neither opened nor "
			 "created without a key only it derives: refused, "
			 "left untouched");
		return VMGS_KEY_NO_SP;
	}
	e = st->io_new(st->arg, &io);
	if (e) {
		snprintf(why, whylen, "the VMGS could not be reached (%s)",
			 vmgs_errname(e));
		return VMGS_KEY_IO;
	}
	e = vmgs_open(&io, st->flags, &v);
	if (e) {
		vmgs_io_close(&io);
		return not_opened(st, cfg, may_provision, e, out, why, whylen);
	}
	if (!vmgs_is_encrypted(v))
		return plaintext(st, cfg, may_provision, v, out, why, whylen);
	r = unlock(v, cfg, why, whylen);
	if (r == VMGS_KEY_OPENED) {
		*out = v;
		return r;
	}
	vmgs_close(v);
	if (!cfg->reprovision || r == VMGS_KEY_IO || r == VMGS_KEY_NO_SP)
		return r;
	snprintf(first, sizeof(first), "%s, --vmgs-reprovision",
		 vmgs_key_result_name(r));
	return provision(st, cfg, first, out, why, whylen);
}

enum vmgs_err vmgs_key_read_state(struct vmgs *v, unsigned id, uint8_t *buf,
				  uint64_t cap, uint64_t *len)
{
	struct vmgs_file_info info;
	enum vmgs_err e;

	*len = 0;
	if (!vmgs_is_unlocked(v))
		return VMGS_E_LOCKED;
	e = vmgs_stat(v, id, &info);
	if (e)
		return e;
	if (!info.encrypted)
		return VMGS_E_NOT_ENCRYPTED;
	return vmgs_read_into(v, id, 0, buf, cap, len);
}

enum vmgs_err vmgs_key_write_state(struct vmgs *v, unsigned id,
				   const void *data, uint64_t len)
{
	if (!vmgs_is_unlocked(v))
		return VMGS_E_LOCKED;
	return vmgs_write(v, id, data, len,
			  VMGS_WRITE_ENCRYPT | VMGS_WRITE_OVERWRITE);
}
