/* SPDX-License-Identifier: MIT */
/*
 * SNP guest messages: sealing and opening one message (header + payload)
 * with AES-256-GCM under a VMPCK, as the SNP firmware ABI defines it
 * (common/include/snp_abi.h): IV = le64(MSG_SEQNO) || 4 zero bytes, AAD =
 * header bytes 0x30..0x5F, tag in the first 16 bytes of AUTHTAG. Both ends
 * use this file: the paravisor's guest-request client seals requests and
 * opens responses; the simulated secure processor (sp-simulator/) opens
 * requests and seals responses.
 *
 * This file owns the byte format and the crypto only. Which sequence number
 * is right, and what an error does to the key, is each end's policy
 * (snp_guest.h for the guest; the simulator for the firmware).
 */
#ifndef MANTLE_SNP_MSG_H
#define MANTLE_SNP_MSG_H

#include <stddef.h>
#include <stdint.h>

#include "snp_abi.h"

/* The header fields that are not crypto: what a sealed message says. */
struct snp_msg_meta {
	uint64_t seqno;
	uint8_t type; /* enum snp_msg_type */
	uint8_t version; /* MSG_VERSION */
	uint8_t vmpck; /* 0..3 */
	uint16_t size; /* payload bytes */
};

enum snp_msg_err {
	SNP_MSG_OK = 0,
	SNP_MSG_E_SHORT, /* shorter than a header, or than msg_sz says */
	SNP_MSG_E_TOO_BIG, /* payload beyond one page, or beyond the buffer */
	SNP_MSG_E_ALGO, /* AEAD algorithm is not AES-256-GCM */
	SNP_MSG_E_HDR_VERSION, /* header version is not 1 */
	SNP_MSG_E_HDR_SIZE, /* header size is not 96 */
	SNP_MSG_E_RESERVED, /* a reserved header byte is not zero */
	SNP_MSG_E_VMPCK, /* key index above 3 */
	SNP_MSG_E_SEQNO, /* sequence number 0 or above SNP_SEQNO_MAX */
	SNP_MSG_E_AUTH, /* the GCM tag does not verify: altered or wrong key */
	SNP_MSG_E_CRYPTO, /* OpenSSL failed (out of memory) */
	SNP_MSG_E_COUNT
};

const char *snp_msg_strerror(enum snp_msg_err e);
const char *snp_msg_errname(enum snp_msg_err e);

/* Seals m and payload[0..m->size) into out (SNP_MSG_HDR_SIZE + m->size
 * bytes, at most outlen). The meta is checked like snp_msg_open checks it. */
enum snp_msg_err snp_msg_seal(const uint8_t key[SNP_VMPCK_LEN],
			      const struct snp_msg_meta *m, const void *payload,
			      uint8_t *out, size_t outlen);

/* Opens msg[0..len): checks the header, then decrypts and authenticates
 * into payload (cap bytes). len may exceed the message (a whole page):
 * bytes after header + msg_sz are ignored. On any error *m and payload
 * hold nothing usable. */
enum snp_msg_err snp_msg_open(const uint8_t key[SNP_VMPCK_LEN],
			      const uint8_t *msg, size_t len,
			      struct snp_msg_meta *m, uint8_t *payload,
			      size_t cap);

/* Reads the header's meta without authenticating it (for logs and for
 * the firmware's choice of key); the same checks as snp_msg_open. */
enum snp_msg_err snp_msg_peek(const uint8_t *msg, size_t len,
			      struct snp_msg_meta *m);

#endif
