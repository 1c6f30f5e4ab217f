/* SPDX-License-Identifier: MIT */
/*
 * The simulated chip's fixed identity: the one place that says which TCB,
 * firmware version, CPU and product the simulator claims. The values are
 * small and visibly not AMD's (SPEC.md §6), so a report can never be taken
 * for one from real hardware even before its O=Mantle root is looked at.
 */
#ifndef MANTLE_SP_PLATFORM_H
#define MANTLE_SP_PLATFORM_H

#include "snp_abi.h"

/* TCB_VERSION (Milan layout): boot loader 1, TEE 1, SNP 1, microcode 1.
 * CURRENT, COMMITTED, LAUNCH and REPORTED TCB are all this value. */
#define SP_TCB_BL 1u
#define SP_TCB_TEE 1u
#define SP_TCB_SNP 1u
#define SP_TCB_UCODE 1u
#define SP_TCB SNP_TCB(SP_TCB_BL, SP_TCB_TEE, SP_TCB_SNP, SP_TCB_UCODE)

/* Firmware version in reports (CURRENT/COMMITTED_BUILD, _MINOR, _MAJOR)
 * and the ABI version a launch policy may ask for at most. */
#define SP_FW_MAJOR 1u
#define SP_FW_MINOR 55u
#define SP_FW_BUILD 1u

/* A Milan part: CPUID family 0x19, model 0x01, stepping 0x01. */
#define SP_CPUID_FAM 0x19u
#define SP_CPUID_MOD 0x01u
#define SP_CPUID_STEP 0x01u
/* CPUID(1).EAX of that part, as the secrets page's FMS field holds it. */
#define SP_CPUID_FMS 0x00a00f11u
#define SP_PRODUCT_NAME "Milan"

#define SP_PLATFORM_INFO 0x0ull /* no SMT, TSME, ... claimed */
#define SP_KEY_INFO 0x0u /* signed by the VCEK, chip id not masked */

/* CHIP_ID starts with these 16 ASCII bytes; the rest comes from the root
 * secret (SPEC.md §4). */
#define SP_CHIP_ID_PREFIX "MANTLE-SIMULATED"
#define SP_CHIP_ID_PREFIX_LEN 16u

/* Guest policy bits the simulator accepts at LAUNCH: 25:0 (SNP ABI); bit
 * 17 must be one. */
#define SP_POLICY_DEFINED 0x3ffffffull

#endif
