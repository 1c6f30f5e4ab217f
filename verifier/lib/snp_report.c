// SPDX-License-Identifier: MIT
/* SEV-SNP report decoding and must-be-zero checks. */
#include "snp_report.h"
#include "mantle_bytes.h"
#include "mv_util.h"

#include <stdio.h>
#include <string.h>

#define OFF(f) offsetof(struct snp_report_wire, f)
#define FLD(r, f) SNP_FIELD(r, f)

int snp_report_parse(const uint8_t *buf, size_t len, struct snp_report *r,
		     char *err, size_t errlen)
{
	int i;

	memset(r, 0, sizeof(*r));
	if (len != SNP_REPORT_SIZE) {
		snprintf(err, errlen,
			 "SNP report must be %d bytes, input has %zu",
			 SNP_REPORT_SIZE, len);
		return MV_BADINPUT;
	}
	r->raw = buf;
	r->version = get_le32(buf + OFF(version));
	r->guest_svn = get_le32(buf + OFF(guest_svn));
	r->policy = get_le64(buf + OFF(policy));
	r->vmpl = get_le32(buf + OFF(vmpl));
	r->sig_algo = get_le32(buf + OFF(sig_algo));
	r->platform_info = get_le64(buf + OFF(platform_info));
	r->signer_info = get_le32(buf + OFF(signer_info));
	r->signing_key = (r->signer_info >> 2) & 7;
	r->cpuid_fam = buf[OFF(cpuid_fam)];
	r->cpuid_mod = buf[OFF(cpuid_mod)];
	r->cpuid_step = buf[OFF(cpuid_step)];
	/* R and S are 72-byte little-endian integers; keep the low 48. */
	for (i = 0; i < 48; i++) {
		r->sig_r[i] = buf[OFF(sig_r) + 47 - i];
		r->sig_s[i] = buf[OFF(sig_s) + 47 - i];
	}
	if (r->version < 2 || r->version > 5) {
		snprintf(err, errlen, "unsupported SNP report version %u",
			 r->version);
		return MV_FAIL;
	}
	return MV_OK;
}

static int zero_range(const struct snp_report *r, struct mv_result *res,
		      size_t off, size_t len, const char *what)
{
	if (mv_all_zero(r->raw + off, len))
		return 0;
	mv_fail(res, MV_FAIL, "reserved field %s (0x%zx..0x%zx) is not zero",
		what, off, off + len);
	return -1;
}

int snp_report_check_mbz(const struct snp_report *r, struct mv_result *res)
{
	int bad = 0;
	size_t rsvd1 = r->version >= 3 ? OFF(rsvd1) : OFF(cpuid_fam);

	bad |= zero_range(r, res, OFF(rsvd0), 4, "after signer info");
	bad |= zero_range(r, res, rsvd1, OFF(chip_id) - rsvd1,
			  "before CHIP_ID");
	bad |= zero_range(r, res, OFF(rsvd2), 1, "after CURRENT_VERSION");
	bad |= zero_range(r, res, OFF(rsvd3), 1, "after COMMITTED_VERSION");
	if (r->version < 5)
		bad |= zero_range(r, res, OFF(launch_mit_vector), 16,
				  "mitigation vectors (before v5)");
	bad |= zero_range(r, res, OFF(rsvd4), SNP_SIGNED_LEN - OFF(rsvd4),
			  "before SIGNATURE");
	bad |= zero_range(r, res, OFF(sig_r) + 48, 24, "R padding");
	bad |= zero_range(r, res, OFF(sig_s) + 48, 24, "S padding");
	bad |= zero_range(r, res, OFF(sig_rsvd), 368, "after signature");
	if (r->signer_info >> 5) {
		mv_fail(res, MV_FAIL, "signer info reserved bits set: 0x%x",
			r->signer_info);
		bad = -1;
	}
	if (r->signing_key >= 2 && r->signing_key <= 6) {
		mv_fail(res, MV_FAIL, "reserved SIGNING_KEY value %u",
			r->signing_key);
		bad = -1;
	}
	if (!(r->policy & SNP_POLICY_RSVD1)) {
		mv_fail(res, MV_FAIL,
			"POLICY bit 17 (reserved, must be 1) clear");
		bad = -1;
	}
	if (r->policy & SNP_POLICY_MBZ) {
		mv_fail(res, MV_FAIL, "POLICY reserved bits 63:26 set: 0x%llx",
			(unsigned long long)r->policy);
		bad = -1;
	}
	if (!bad)
		mv_pass(res, "reserved fields are zero");
	return bad ? -1 : 0;
}

enum snp_product snp_report_product(const struct snp_report *r)
{
	if (r->version < 3)
		return SNP_UNKNOWN;
	if (r->cpuid_fam == 0x19) {
		if (r->cpuid_mod <= 0x0f)
			return SNP_MILAN;
		if ((r->cpuid_mod >= 0x10 && r->cpuid_mod <= 0x1f) ||
		    (r->cpuid_mod >= 0xa0 && r->cpuid_mod <= 0xaf))
			return SNP_GENOA;
	}
	if (r->cpuid_fam == 0x1a && r->cpuid_mod <= 0x11)
		return SNP_TURIN;
	return SNP_UNKNOWN;
}

const char *snp_product_name(enum snp_product p)
{
	switch (p) {
	case SNP_MILAN:
		return "Milan";
	case SNP_GENOA:
		return "Genoa";
	case SNP_TURIN:
		return "Turin";
	default:
		return "unknown";
	}
}

enum snp_product snp_product_from_name(const char *name)
{
	if (!strncmp(name, "Milan", 5))
		return SNP_MILAN;
	if (!strncmp(name, "Genoa", 5))
		return SNP_GENOA;
	if (!strncmp(name, "Turin", 5))
		return SNP_TURIN;
	return SNP_UNKNOWN;
}

void snp_tcb_decode(const uint8_t raw[8], enum snp_product p, struct snp_tcb *t)
{
	memcpy(t->raw, raw, 8);
	if (p == SNP_TURIN) {
		t->fmc = raw[0];
		t->bl = raw[1];
		t->tee = raw[2];
		t->snp = raw[3];
	} else {
		t->fmc = 0;
		t->bl = raw[0];
		t->tee = raw[1];
		t->snp = raw[6];
	}
	t->ucode = raw[7];
}

json_t *snp_tcb_json(const struct snp_tcb *t, enum snp_product p)
{
	json_t *o = json_object();

	mv_json_hex(o, "raw", t->raw, 8);
	if (p == SNP_TURIN)
		json_object_set_new(o, "fmc", json_integer(t->fmc));
	json_object_set_new(o, "bootloader", json_integer(t->bl));
	json_object_set_new(o, "tee", json_integer(t->tee));
	json_object_set_new(o, "snp", json_integer(t->snp));
	json_object_set_new(o, "microcode", json_integer(t->ucode));
	return o;
}

/* A named bit of a 64-bit field. */
struct flag {
	const char *name;
	uint64_t bit;
};

static const struct flag policy_flags[] = {
	{ "smt_allowed", SNP_POLICY_SMT },
	{ "migrate_ma", SNP_POLICY_MIGRATE_MA },
	{ "debug_allowed", SNP_POLICY_DEBUG },
	{ "single_socket", SNP_POLICY_SINGLE_SOCKET },
	{ "cxl_allowed", 1ull << 21 },
	{ "mem_aes_256_xts", 1ull << 22 },
	{ "rapl_disabled", 1ull << 23 },
	{ "ciphertext_hiding", 1ull << 24 },
	{ "page_swap_disabled", 1ull << 25 },
};

static const struct flag platform_flags[] = {
	{ "smt_enabled", 1 },
	{ "tsme_enabled", 2 },
	{ "ecc_enabled", 4 },
	{ "rapl_disabled", 8 },
	{ "ciphertext_hiding_enabled", 16 },
	{ "alias_check_complete", 32 },
	{ "tio_enabled", 128 },
};

/* {"value": "0x..."}, to which the caller adds the decoded fields. */
static json_t *value_json(uint64_t v)
{
	json_t *o = json_object();
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	json_object_set_new(o, "value", json_string(buf));
	return o;
}

static void flags_json(json_t *o, uint64_t v, const struct flag *f, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		json_object_set_new(o, f[i].name, json_boolean(v & f[i].bit));
}

static json_t *policy_json(uint64_t v)
{
	json_t *o = value_json(v);

	json_object_set_new(o, "abi_minor", json_integer(v & 0xff));
	json_object_set_new(o, "abi_major", json_integer((v >> 8) & 0xff));
	flags_json(o, v, policy_flags,
		   sizeof(policy_flags) / sizeof(policy_flags[0]));
	return o;
}

static json_t *platform_json(uint64_t v)
{
	json_t *o = value_json(v);

	flags_json(o, v, platform_flags,
		   sizeof(platform_flags) / sizeof(platform_flags[0]));
	return o;
}

static json_t *fw_json(const uint8_t *v)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u.%u.%u", v[2], v[1], v[0]);
	return json_string(buf);
}

void snp_report_to_json(const struct snp_report *r, enum snp_product p,
			json_t *o)
{
	static const char *const keys[] = { "vcek", "vlek" };
	struct snp_tcb t;
	json_t *signer = json_object(), *cpuid;

	json_object_set_new(o, "version", json_integer(r->version));
	json_object_set_new(o, "guest_svn", json_integer(r->guest_svn));
	json_object_set_new(o, "policy", policy_json(r->policy));
	json_object_set_new(o, "vmpl", json_integer(r->vmpl));
	json_object_set_new(o, "signature_algo", json_integer(r->sig_algo));
	json_object_set_new(o, "platform_info",
			    platform_json(r->platform_info));
	json_object_set_new(signer, "author_key_en",
			    json_boolean(r->signer_info & 1));
	json_object_set_new(signer, "mask_chip_key",
			    json_boolean(r->signer_info & 2));
	json_object_set_new(signer, "signing_key",
			    json_string(r->signing_key < 2 ?
						keys[r->signing_key] :
					r->signing_key == 7 ? "none" :
							      "reserved"));
	json_object_set_new(o, "signer_info", signer);
	mv_json_hex(o, "family_id", FLD(r, family_id), 16);
	mv_json_hex(o, "image_id", FLD(r, image_id), 16);
	mv_json_hex(o, "report_data", FLD(r, report_data), 64);
	mv_json_hex(o, "measurement", FLD(r, measurement), 48);
	mv_json_hex(o, "host_data", FLD(r, host_data), 32);
	mv_json_hex(o, "id_key_digest", FLD(r, id_key_digest), 48);
	mv_json_hex(o, "author_key_digest", FLD(r, author_key_digest), 48);
	mv_json_hex(o, "report_id", FLD(r, report_id), 32);
	mv_json_hex(o, "report_id_ma", FLD(r, report_id_ma), 32);
	mv_json_hex(o, "chip_id", FLD(r, chip_id), 64);
	if (r->version >= 3) {
		cpuid = json_object();
		json_object_set_new(cpuid, "family",
				    json_integer(r->cpuid_fam));
		json_object_set_new(cpuid, "model", json_integer(r->cpuid_mod));
		json_object_set_new(cpuid, "stepping",
				    json_integer(r->cpuid_step));
		json_object_set_new(o, "cpuid", cpuid);
	}
	json_object_set_new(o, "product", json_string(snp_product_name(p)));
	snp_tcb_decode(FLD(r, current_tcb), p, &t);
	json_object_set_new(o, "current_tcb", snp_tcb_json(&t, p));
	snp_tcb_decode(FLD(r, reported_tcb), p, &t);
	json_object_set_new(o, "reported_tcb", snp_tcb_json(&t, p));
	snp_tcb_decode(FLD(r, committed_tcb), p, &t);
	json_object_set_new(o, "committed_tcb", snp_tcb_json(&t, p));
	snp_tcb_decode(FLD(r, launch_tcb), p, &t);
	json_object_set_new(o, "launch_tcb", snp_tcb_json(&t, p));
	json_object_set_new(o, "current_firmware", fw_json(FLD(r, current_fw)));
	json_object_set_new(o, "committed_firmware",
			    fw_json(FLD(r, committed_fw)));
	if (r->version >= 5) {
		mv_json_hex(o, "launch_mit_vector", FLD(r, launch_mit_vector),
			    8);
		mv_json_hex(o, "current_mit_vector", FLD(r, current_mit_vector),
			    8);
	}
}
