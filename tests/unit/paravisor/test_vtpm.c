// SPDX-License-Identifier: MIT
/* The paravisor's own steps at vTPM power-on (vtpm.h), on a real libtpms
 * in this process: the PCR banks and values against tcg_log's replay, the
 * event log in guest memory, the EK and AK templates, the AK kept across
 * power-ons of one TPM and different on a fresh one, a planted substitute
 * at 0x81000003 replaced and counted, owner and endorsement passwords
 * honoured (never guessed, nothing unchecked reported), and the
 * platform hierarchy closed to the guest. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <tss2/tss2_mu.h>

#include "acpi.h"
#include "machine.h"
#include "tcg_log.h"
#include "tpm_cmd.h"
#include "tpm_lib.h"
#include "vtpm.h"

#include "mantle_bytes.h"

#define RAM_SIZE (1u << 20)

static struct machine m;
static struct tpm_nv nv;
static const struct tpm_io io = { tpm_lib_exec, NULL };

/* A payload event list like load.c's (contents do not matter here). */
static void fill_log(struct measure_log *log)
{
	static const uint8_t acpi[] = { 'R', 'S', 'D', ' ', 'P', 'T', 'R' };
	static const uint8_t e820[40] = { 1, 2, 3 };

	measure_log_init(log);
	assert_int_equal(measure_log_add(log, MEASURE_EV_KERNEL, "abc", 3), 0);
	assert_int_equal(measure_log_add(log, MEASURE_EV_INITRD, "", 0), 0);
	assert_int_equal(
		measure_log_add(log, MEASURE_EV_CMDLINE, "console=ttyS0", 13),
		0);
	assert_int_equal(
		measure_log_add(log, MEASURE_EV_ACPI, acpi, sizeof(acpi)), 0);
	assert_int_equal(
		measure_log_add(log, MEASURE_EV_E820, e820, sizeof(e820)), 0);
}

static int setup(void **state)
{
	(void)state;
	memset(&m, 0, sizeof(m));
	m.ram = calloc(1, RAM_SIZE);
	m.tpm_nv = &nv;
	fill_log(&m.mlog);
	return m.ram ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	free(m.ram);
	tpm_nv_clear(&nv);
	return 0;
}

static void power_on(void)
{
	assert_int_equal(vtpm_power_on(&m, TPM_CMD_BUF), 0);
}

static void power_off(void)
{
	vtpm_power_off(&m, "test", 0, 0);
}

/* TPM2_PCR_Read of one PCR in one bank, into out (len bytes). */
static void pcr_read(uint16_t alg, unsigned int pcr, uint8_t *out, size_t len)
{
	TPML_PCR_SELECTION sel = { .count = 1 };
	TPML_DIGEST d;
	uint8_t cmd[64], rsp[TPM_CMD_BUF];
	size_t off = 10, n;
	UINT32 counter;

	sel.pcrSelections[0].hash = alg;
	sel.pcrSelections[0].sizeofSelect = 3;
	sel.pcrSelections[0].pcrSelect[pcr / 8] = (uint8_t)(1u << (pcr % 8));
	put_be16(cmd, TPM2_ST_NO_SESSIONS);
	put_be32(cmd + 6, TPM2_CC_PCR_Read);
	assert_int_equal(Tss2_MU_TPML_PCR_SELECTION_Marshal(&sel, cmd,
							    sizeof(cmd), &off),
			 0);
	put_be32(cmd + 2, (uint32_t)off);
	n = tpm_lib_exec(NULL, 0, cmd, off, rsp, sizeof(rsp));
	assert_true(n > 10);
	assert_int_equal(get_be32(rsp + 6), 0);
	off = 10;
	assert_int_equal(Tss2_MU_UINT32_Unmarshal(rsp, n, &off, &counter), 0);
	assert_int_equal(
		Tss2_MU_TPML_PCR_SELECTION_Unmarshal(rsp, n, &off, &sel), 0);
	assert_int_equal(Tss2_MU_TPML_DIGEST_Unmarshal(rsp, n, &off, &d), 0);
	assert_int_equal(d.count, 1);
	assert_int_equal(d.digests[0].size, len);
	memcpy(out, d.digests[0].buffer, len);
}

/* Every PCR the log names, both banks, equals tcg_log's replay; the log in guest memory
 * is tcg_log_write's, zero-padded; the banks are exactly the log's. */
static void test_measured_boot(void **state)
{
	struct tcg_pcrs want;
	uint8_t v[48], log[ACPI_TPM_LOG_LEN] = { 0 };
	TPML_PCR_SELECTION banks;
	size_t len = 0;

	(void)state;
	power_on();
	assert_int_equal(tcg_log_pcrs(&m.mlog, &want), 0);
	/* (PCRs 17-22 start at all ones; the log extends none of them.) */
	assert_int_equal(tcg_log_pcr_mask(&m.mlog), 0x3FF);
	for (unsigned int pcr = 0; pcr < 10; pcr++) {
		pcr_read(TPM2_ALG_SHA256, pcr, v, 32);
		assert_memory_equal(v, want.sha256[pcr], 32);
		pcr_read(TPM2_ALG_SHA384, pcr, v, 48);
		assert_memory_equal(v, want.sha384[pcr], 48);
	}
	assert_int_equal(tcg_log_write(&m.mlog, log, sizeof(log), &len), 0);
	assert_memory_equal(m.ram + ACPI_TPM_LOG_GPA, log, sizeof(log));
	assert_int_equal(tpm_cmd_pcr_banks(&io, &banks), 0);
	for (unsigned int i = 0; i < banks.count; i++) {
		const TPMS_PCR_SELECTION *s = &banks.pcrSelections[i];
		int on = s->hash == TPM2_ALG_SHA256 ||
			 s->hash == TPM2_ALG_SHA384;

		for (unsigned int b = 0; b < s->sizeofSelect; b++)
			assert_int_equal(s->pcrSelect[b], on ? 0xFF : 0);
	}
	power_off();
}

/* The guest cannot use platform authorization: TPM_RC_HIERARCHY on the
 * first handle (0x185), what OpenHCL's guests see for Clear(PLATFORM). */
static void test_platform_closed(void **state)
{
	TPML_PCR_SELECTION sel = { 0 };

	(void)state;
	power_on();
	assert_int_equal(tpm_cmd_pcr_allocate(&io, &sel),
			 TPM2_RC_HIERARCHY | TPM2_RC_1);
	power_off();
}

static void test_templates(void **state)
{
	const struct vtpm_keys *k = &m.vtpm_keys;
	const TPMT_PUBLIC *ek = &k->ek.pub.publicArea;
	const TPMT_PUBLIC *ak = &k->ak.pub.publicArea;
	struct tpm_pub there;

	(void)state;
	power_on();
	assert_true(k->have_ek && k->have_ak && k->ak_persisted);
	assert_int_equal(ek->type, TPM2_ALG_RSA);
	assert_int_equal(ek->nameAlg, TPM2_ALG_SHA256);
	assert_int_equal(ek->objectAttributes, 0x000300B2);
	assert_int_equal(ek->authPolicy.size, 32);
	assert_int_equal(ek->authPolicy.buffer[0], 0x83);
	assert_int_equal(ek->authPolicy.buffer[31], 0xAA);
	assert_int_equal(ek->parameters.rsaDetail.symmetric.algorithm,
			 TPM2_ALG_AES);
	assert_int_equal(ek->parameters.rsaDetail.symmetric.keyBits.aes, 128);
	assert_int_equal(ek->parameters.rsaDetail.symmetric.mode.aes,
			 TPM2_ALG_CFB);
	assert_int_equal(ek->parameters.rsaDetail.scheme.scheme, TPM2_ALG_NULL);
	assert_int_equal(ek->parameters.rsaDetail.keyBits, 2048);
	assert_int_equal(ek->unique.rsa.size, 256);
	assert_int_equal(ak->type, TPM2_ALG_RSA);
	assert_int_equal(ak->objectAttributes, 0x00050472);
	assert_int_equal(ak->authPolicy.size, 0);
	assert_int_equal(ak->parameters.rsaDetail.symmetric.algorithm,
			 TPM2_ALG_NULL);
	assert_int_equal(ak->parameters.rsaDetail.scheme.scheme,
			 TPM2_ALG_RSASSA);
	assert_int_equal(ak->parameters.rsaDetail.scheme.details.rsassa.hashAlg,
			 TPM2_ALG_SHA256);
	assert_int_equal(ak->parameters.rsaDetail.keyBits, 2048);
	assert_true(vtpm_pub_matches(&k->ek, vtpm_ek_template()));
	assert_true(vtpm_pub_matches(&k->ak, vtpm_ak_template()));
	assert_false(vtpm_pub_matches(&k->ak, vtpm_ek_template()));
	/* The AK at 0x81000003, byte for byte; the EK is not persisted
	 * anywhere the paravisor put it (it is flushed). */
	assert_int_equal(tpm_cmd_read_public(&io, TPM_AK_HANDLE, &there), 0);
	assert_int_equal(there.raw_len, k->ak.raw_len);
	assert_memory_equal(there.raw, k->ak.raw, there.raw_len);
	power_off();
}

/* Same TPM state: the same AK, kept (not re-persisted, nothing counted). */
static void test_ak_stable(void **state)
{
	struct tpm_pub first;

	(void)state;
	power_on();
	first = m.vtpm_keys.ak;
	power_off();
	power_on();
	assert_int_equal(m.vtpm_keys.ak.raw_len, first.raw_len);
	assert_memory_equal(m.vtpm_keys.ak.raw, first.raw, first.raw_len);
	assert_true(m.vtpm_keys.ak_persisted);
	assert_int_equal(m.vtpm_keys.ak_substitutes, 0);
	power_off();
}

/* The guest (owner auth, empty) evicts the AK and persists a key of its
 * own at 0x81000003: the next power-on replaces it and counts it. */
static void test_substitute_replaced(void **state)
{
	struct tpm_pub real, fake, there;
	uint32_t h;

	(void)state;
	power_on();
	real = m.vtpm_keys.ak;
	assert_int_equal(tpm_cmd_evict_control(&io, TPM2_RH_OWNER,
					       TPM_AK_HANDLE, TPM_AK_HANDLE),
			 0);
	/* The AK's template in the owner hierarchy: same shape, other key. */
	assert_int_equal(tpm_cmd_create_primary(&io, TPM2_RH_OWNER,
						vtpm_ak_template(), &h, &fake),
			 0);
	assert_int_equal(
		tpm_cmd_evict_control(&io, TPM2_RH_OWNER, h, TPM_AK_HANDLE), 0);
	assert_int_equal(tpm_cmd_flush_context(&io, h), 0);
	assert_memory_not_equal(fake.raw, real.raw, real.raw_len);
	power_off();

	power_on();
	assert_int_equal(m.vtpm_keys.ak_substitutes, 1);
	assert_true(m.vtpm_keys.ak_persisted);
	assert_memory_equal(m.vtpm_keys.ak.raw, real.raw, real.raw_len);
	assert_int_equal(tpm_cmd_read_public(&io, TPM_AK_HANDLE, &there), 0);
	assert_memory_equal(there.raw, real.raw, real.raw_len);
	power_off();
	m.vtpm_keys.ak_substitutes = 0;
}

/* TPM2_HierarchyChangeAuth(hierarchy, newAuth "pw") with the empty
 * password, as a guest sets its own. */
static void set_password(uint32_t hierarchy)
{
	static const uint8_t
		cmd[] = {
			0x80, 0x02, 0,	  0,   0,    31,   0x00,
			0x00, 0x01, 0x29, /* TPM_CC_HierarchyChangeAuth */
			0,    0,    0,	  0, /* the hierarchy */
			0,    0,    0,	  9,   0x40, 0x00, 0x00,
			0x09, 0,    0,	  0,   0,    0, /* TPM_RS_PW, empty */
			0,    2,    'p',  'w',
		};
	uint8_t rsp[64];
	uint8_t c[sizeof(cmd)];

	memcpy(c, cmd, sizeof(c));
	put_be32(c + 10, hierarchy);
	assert_int_equal(tpm_rsp_plain(rsp, tpm_lib_exec(NULL, 0, c, sizeof(c),
							 rsp, sizeof(rsp))),
			 0);
}

static void set_owner_password(void)
{
	set_password(TPM2_RH_OWNER);
}

/* With an owner password the paravisor does not know, a substitute is
 * still evicted (platform auth) but the AK cannot be persisted: the slot
 * stays empty, the AK public is still the checked one. */
static void test_owner_password(void **state)
{
	struct tpm_pub there;

	(void)state;
	power_on();
	assert_int_equal(tpm_cmd_evict_control(&io, TPM2_RH_OWNER,
					       TPM_AK_HANDLE, TPM_AK_HANDLE),
			 0);
	set_owner_password();
	power_off();
	power_on();
	assert_true(m.vtpm_keys.have_ak);
	assert_false(m.vtpm_keys.ak_persisted);
	assert_int_equal(m.vtpm_keys.ak_unpersisted, 1);
	assert_int_equal(tpm_cmd_read_public(&io, TPM_AK_HANDLE, &there),
			 TPM_RC_HANDLE_1);
	power_off();
	m.vtpm_keys.ak_unpersisted = 0;
}

/* With an endorsement password the paravisor can create neither key: none
 * is reported, and whatever is at 0x81000003 (here the AK of an earlier
 * boot) is left alone, unchecked. */
static void test_endorsement_password(void **state)
{
	struct tpm_pub before, there;

	(void)state;
	tpm_nv_clear(&nv);
	power_on();
	before = m.vtpm_keys.ak;
	set_password(TPM2_RH_ENDORSEMENT);
	power_off();
	power_on();
	assert_false(m.vtpm_keys.have_ek);
	assert_false(m.vtpm_keys.have_ak);
	assert_false(m.vtpm_keys.ak_persisted);
	assert_int_equal(tpm_cmd_read_public(&io, TPM_AK_HANDLE, &there), 0);
	assert_memory_equal(there.raw, before.raw, before.raw_len);
	power_off();
	tpm_nv_clear(&nv);
}

/* A fresh TPM (new seeds): another AK. */
static void test_fresh_tpm_other_ak(void **state)
{
	struct tpm_pub first;

	(void)state;
	power_on();
	first = m.vtpm_keys.ak;
	power_off();
	tpm_nv_clear(&nv);
	power_on();
	assert_true(m.vtpm_keys.have_ak);
	assert_memory_not_equal(m.vtpm_keys.ak.raw, first.raw, first.raw_len);
	power_off();
}

/* The response parsers: truncated, oversized, wrong header size. */
static void test_rsp_bounds(void **state)
{
	static const uint8_t ok[] = { 0x80, 0x01, 0, 0, 0, 10, 0, 0, 0, 0 };
	uint8_t r[16];
	struct tpm_pub pub;
	uint32_t h;

	(void)state;
	assert_int_equal(tpm_rsp_plain(ok, sizeof(ok)), 0);
	assert_int_equal(tpm_rsp_plain(ok, 9), TPM_CMD_ERR_RESPONSE);
	memcpy(r, ok, sizeof(ok));
	put_be32(r + 2, 11); /* says 11 bytes, 10 came */
	assert_int_equal(tpm_rsp_plain(r, 10), TPM_CMD_ERR_RESPONSE);
	assert_int_equal(tpm_rsp_read_public(ok, sizeof(ok), &pub),
			 TPM_CMD_ERR_RESPONSE);
	assert_int_equal(tpm_rsp_create_primary(ok, sizeof(ok), &h, &pub),
			 TPM_CMD_ERR_RESPONSE);
	/* sessions tag, one handle, parameterSize past the end */
	memcpy(r,
	       (uint8_t[]){ 0x80, 0x02, 0, 0, 0, 16, 0, 0, 0, 0, 0x80, 0, 0, 0,
			    0, 0xFF },
	       16);
	assert_int_equal(tpm_rsp_create_primary(r, 16, &h, &pub),
			 TPM_CMD_ERR_RESPONSE);
	put_be32(r + 6, TPM2_RC_HANDLE | TPM2_RC_1);
	put_be32(r + 2, 10);
	assert_int_equal(tpm_rsp_plain(r, 10), TPM2_RC_HANDLE | TPM2_RC_1);
	assert_string_equal(tpm_cmd_strerror(TPM_CMD_ERR_RESPONSE),
			    "malformed TPM response");
	assert_string_equal(tpm_cmd_strerror(0x18B), "TPM_RC");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rsp_bounds),
		cmocka_unit_test(test_measured_boot),
		cmocka_unit_test(test_platform_closed),
		cmocka_unit_test(test_templates),
		cmocka_unit_test(test_ak_stable),
		cmocka_unit_test(test_substitute_replaced),
		cmocka_unit_test(test_owner_password),
		cmocka_unit_test(test_endorsement_password),
		cmocka_unit_test(test_fresh_tpm_other_ak),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
