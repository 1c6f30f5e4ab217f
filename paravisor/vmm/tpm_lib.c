// SPDX-License-Identifier: MIT
/*
 * libtpms behind tpm_lib.h: its NV callbacks keep the permanent state in
 * a struct tpm_nv; volatile and save state are not kept (a guest reboot
 * is a TPM reset, as on a physical machine).
 */
#include "tpm_lib.h"
#include "log.h"

#include "mantle_bytes.h"

#include <libtpms/tpm_error.h>
#include <libtpms/tpm_library.h>
#include <libtpms/tpm_nvfilename.h>

#include <stdlib.h>
#include <string.h>

static struct tpm_nv *cur_nv; /* the started TPM's state */
static unsigned int cur_loc; /* the running command's locality */

static TPM_RESULT nv_init(void)
{
	return TPM_SUCCESS;
}

/* libtpms frees what this returns: a heap copy. TPM_RETRY means "no
 * state": libtpms then manufactures a fresh TPM. */
static TPM_RESULT nv_load(unsigned char **data, uint32_t *length,
			  uint32_t tpm_number, const char *name)
{
	(void)tpm_number;
	if (!cur_nv || strcmp(name, TPM_PERMANENT_ALL_NAME) != 0 ||
	    !cur_nv->permall)
		return TPM_RETRY;
	*data = malloc(cur_nv->len);
	if (!*data)
		return TPM_FAIL;
	memcpy(*data, cur_nv->permall, cur_nv->len);
	*length = cur_nv->len;
	return TPM_SUCCESS;
}

static TPM_RESULT nv_store(const unsigned char *data, uint32_t length,
			   uint32_t tpm_number, const char *name)
{
	uint8_t *copy;

	(void)tpm_number;
	if (!cur_nv || strcmp(name, TPM_PERMANENT_ALL_NAME) != 0)
		return TPM_SUCCESS; /* volatile/save state: not kept */
	copy = malloc(length ? length : 1);
	if (!copy)
		return TPM_FAIL;
	memcpy(copy, data, length);
	free(cur_nv->permall);
	cur_nv->permall = copy;
	cur_nv->len = length;
	cur_nv->stores++;
	if (cur_nv->stored)
		cur_nv->stored(cur_nv->stored_ctx, copy, length);
	return TPM_SUCCESS;
}

static TPM_RESULT nv_delete(uint32_t tpm_number, const char *name,
			    TPM_BOOL must_exist)
{
	(void)tpm_number;
	(void)must_exist;
	if (cur_nv && strcmp(name, TPM_PERMANENT_ALL_NAME) == 0)
		tpm_nv_clear(cur_nv);
	return TPM_SUCCESS;
}

static TPM_RESULT io_init(void)
{
	return TPM_SUCCESS;
}

static TPM_RESULT io_locality(TPM_MODIFIER_INDICATOR *loc, uint32_t tpm_number)
{
	(void)tpm_number;
	*loc = cur_loc;
	return TPM_SUCCESS;
}

static TPM_RESULT io_presence(TPM_BOOL *pp, uint32_t tpm_number)
{
	(void)tpm_number;
	*pp = 0; /* no physical presence: a VM has no button */
	return TPM_SUCCESS;
}

static struct libtpms_callbacks callbacks = {
	.sizeOfStruct = sizeof(struct libtpms_callbacks),
	.tpm_nvram_init = nv_init,
	.tpm_nvram_loaddata = nv_load,
	.tpm_nvram_storedata = nv_store,
	.tpm_nvram_deletename = nv_delete,
	.tpm_io_init = io_init,
	.tpm_io_getlocality = io_locality,
	.tpm_io_getphysicalpresence = io_presence,
};

/* libtpms as a TPM 2.0 whose NV state is nv: the first step of both a
 * start and a check of a stored state. */
static TPM_RESULT select_engine(struct tpm_nv *nv)
{
	TPM_RESULT rc;

	cur_nv = nv;
	rc = TPMLIB_ChooseTPMVersion(TPMLIB_TPM_VERSION_2);
	if (rc == TPM_SUCCESS)
		rc = TPMLIB_RegisterCallbacks(&callbacks);
	return rc;
}

int tpm_lib_start(struct tpm_nv *nv, size_t max_buf)
{
	uint32_t lo, hi;
	TPM_RESULT rc = select_engine(nv);

	if (rc == TPM_SUCCESS)
		TPMLIB_SetBufferSize((uint32_t)max_buf, &lo, &hi);
	if (rc == TPM_SUCCESS)
		rc = TPMLIB_MainInit();
	if (rc != TPM_SUCCESS) {
		pv_log("vtpm: libtpms cannot start (0x%x)", (unsigned int)rc);
		cur_nv = NULL;
		return -1;
	}
	return 0;
}

int tpm_lib_startup(void)
{
	/* tag TPM_ST_NO_SESSIONS, size 12, TPM_CC_Startup, TPM_SU_CLEAR */
	static const uint8_t cmd[] = { 0x80, 0x01, 0, 0,    0, 12,
				       0,    0,	   1, 0x44, 0, 0 };
	uint8_t rsp[16];
	size_t n = tpm_lib_exec(NULL, 0, cmd, sizeof(cmd), rsp, sizeof(rsp));
	uint32_t rc = n >= 10 ? get_be32(rsp + 6) : ~0u;

	if (rc != 0) {
		pv_log("vtpm: TPM2_Startup refused (0x%x)", (unsigned int)rc);
		return -1;
	}
	return 0;
}

int tpm_lib_check(struct tpm_nv *nv)
{
	TPM_RESULT rc = select_engine(nv);

	if (rc == TPM_SUCCESS)
		rc = TPMLIB_ValidateState(TPMLIB_STATE_PERMANENT, 0);
	cur_nv = NULL;
	if (rc != TPM_SUCCESS)
		pv_log("vtpm: libtpms refuses the stored state (0x%x)",
		       (unsigned int)rc);
	return rc == TPM_SUCCESS ? 0 : -1;
}

void tpm_lib_stop(void)
{
	TPMLIB_Terminate();
	cur_nv = NULL;
}

size_t tpm_lib_exec(void *ctx, unsigned int loc, const uint8_t *cmd,
		    size_t cmd_len, uint8_t *rsp, size_t cap)
{
	unsigned char *out = NULL;
	uint32_t out_len = 0, out_cap = 0;
	uint8_t in[4096];
	size_t n = 0;

	(void)ctx;
	if (cmd_len > sizeof(in))
		return 0;
	memcpy(in, cmd, cmd_len); /* libtpms may write its input */
	cur_loc = loc;
	if (TPMLIB_Process(&out, &out_len, &out_cap, in, (uint32_t)cmd_len) ==
		    TPM_SUCCESS &&
	    out && out_len <= cap) {
		memcpy(rsp, out, out_len);
		n = out_len;
	}
	free(out);
	return n;
}

void tpm_nv_clear(struct tpm_nv *nv)
{
	free(nv->permall);
	nv->permall = NULL;
	nv->len = 0;
}
