// SPDX-License-Identifier: MIT
/* SNP guest message sealing and opening (snp_msg.h). */
#include "snp_msg.h"

#include <string.h>

#include <openssl/evp.h>

#include "mantle_bytes.h"

static const struct {
	const char *name, *text;
} errs[SNP_MSG_E_COUNT] = {
	[SNP_MSG_OK] = { "OK", "no error" },
	[SNP_MSG_E_SHORT] = { "SHORT", "message shorter than its header "
				       "or its size field" },
	[SNP_MSG_E_TOO_BIG] = { "TOO_BIG", "payload larger than a page or "
					   "the buffer" },
	[SNP_MSG_E_ALGO] = { "ALGO", "AEAD algorithm is not AES-256-GCM" },
	[SNP_MSG_E_HDR_VERSION] = { "HDR_VERSION",
				    "message header version is not 1" },
	[SNP_MSG_E_HDR_SIZE] = { "HDR_SIZE", "message header size is not 96" },
	[SNP_MSG_E_RESERVED] = { "RESERVED",
				 "a reserved header field is not zero" },
	[SNP_MSG_E_VMPCK] = { "VMPCK", "VMPCK index above 3" },
	[SNP_MSG_E_SEQNO] = { "SEQNO", "sequence number 0 or out of range" },
	[SNP_MSG_E_AUTH] = { "AUTH", "authentication tag does not verify" },
	[SNP_MSG_E_CRYPTO] = { "CRYPTO", "AES-GCM failed in OpenSSL" },
};

const char *snp_msg_strerror(enum snp_msg_err e)
{
	return (unsigned)e < SNP_MSG_E_COUNT ? errs[e].text : "unknown error";
}

const char *snp_msg_errname(enum snp_msg_err e)
{
	return (unsigned)e < SNP_MSG_E_COUNT ? errs[e].name : "?";
}

static int all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	while (n--)
		acc |= *p++;
	return acc == 0;
}

static enum snp_msg_err check_meta(const struct snp_msg_meta *m)
{
	if (m->seqno == 0 || m->seqno > SNP_SEQNO_MAX)
		return SNP_MSG_E_SEQNO;
	if (m->vmpck >= SNP_VMPCK_COUNT)
		return SNP_MSG_E_VMPCK;
	if (m->size > SNP_MSG_MAX_PAYLOAD)
		return SNP_MSG_E_TOO_BIG;
	return SNP_MSG_OK;
}

enum snp_msg_err snp_msg_peek(const uint8_t *msg, size_t len,
			      struct snp_msg_meta *m)
{
	memset(m, 0, sizeof(*m));
	if (len < SNP_MSG_HDR_SIZE)
		return SNP_MSG_E_SHORT;
	if (msg[SNP_HDR_OFF(algo)] != SNP_AEAD_AES_256_GCM)
		return SNP_MSG_E_ALGO;
	if (msg[SNP_HDR_OFF(hdr_version)] != SNP_MSG_HDR_VERSION)
		return SNP_MSG_E_HDR_VERSION;
	if (get_le16(msg + SNP_HDR_OFF(hdr_sz)) != SNP_MSG_HDR_SIZE)
		return SNP_MSG_E_HDR_SIZE;
	/* The unused tag half, and the reserved fields. */
	if (!all_zero(msg + SNP_AUTHTAG_LEN, 32 - SNP_AUTHTAG_LEN) ||
	    !all_zero(msg + SNP_HDR_OFF(rsvd1), 8) ||
	    !all_zero(msg + SNP_HDR_OFF(rsvd2), 4) ||
	    !all_zero(msg + SNP_HDR_OFF(rsvd3), 35))
		return SNP_MSG_E_RESERVED;
	m->seqno = get_le64(msg + SNP_HDR_OFF(msg_seqno));
	m->type = msg[SNP_HDR_OFF(msg_type)];
	m->version = msg[SNP_HDR_OFF(msg_version)];
	m->vmpck = msg[SNP_HDR_OFF(msg_vmpck)];
	m->size = get_le16(msg + SNP_HDR_OFF(msg_sz));
	if (check_meta(m))
		return check_meta(m);
	if (len - SNP_MSG_HDR_SIZE < m->size)
		return SNP_MSG_E_SHORT;
	return SNP_MSG_OK;
}

static void make_iv(uint8_t iv[SNP_IV_LEN], uint64_t seqno)
{
	memset(iv, 0, SNP_IV_LEN);
	put_le64(iv, seqno);
}

/* One AES-256-GCM pass; enc 1 seals (tag out), 0 opens (tag in). */
static enum snp_msg_err gcm(int enc, const uint8_t *key, uint64_t seqno,
			    const uint8_t *aad, const uint8_t *in, size_t n,
			    uint8_t *out, uint8_t *tag)
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t iv[SNP_IV_LEN];
	enum snp_msg_err r = SNP_MSG_E_CRYPTO;
	int l;

	make_iv(iv, seqno);
	if (!c ||
	    !EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) ||
	    !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, SNP_IV_LEN, NULL) ||
	    !EVP_CipherInit_ex(c, NULL, NULL, key, iv, enc) ||
	    !EVP_CipherUpdate(c, NULL, &l, aad, SNP_AAD_LEN) ||
	    (n && !EVP_CipherUpdate(c, out, &l, in, (int)n)))
		goto out;
	if (!enc &&
	    !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, SNP_AUTHTAG_LEN, tag))
		goto out;
	if (!EVP_CipherFinal_ex(c, out + n, &l)) {
		r = enc ? SNP_MSG_E_CRYPTO : SNP_MSG_E_AUTH;
		goto out;
	}
	if (enc &&
	    !EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, SNP_AUTHTAG_LEN, tag))
		goto out;
	r = SNP_MSG_OK;
out:
	EVP_CIPHER_CTX_free(c);
	return r;
}

enum snp_msg_err snp_msg_seal(const uint8_t key[SNP_VMPCK_LEN],
			      const struct snp_msg_meta *m, const void *payload,
			      uint8_t *out, size_t outlen)
{
	enum snp_msg_err e = check_meta(m);

	if (e)
		return e;
	if (outlen < SNP_MSG_HDR_SIZE + (size_t)m->size)
		return SNP_MSG_E_TOO_BIG;
	memset(out, 0, SNP_MSG_HDR_SIZE);
	put_le64(out + SNP_HDR_OFF(msg_seqno), m->seqno);
	out[SNP_HDR_OFF(algo)] = SNP_AEAD_AES_256_GCM;
	out[SNP_HDR_OFF(hdr_version)] = SNP_MSG_HDR_VERSION;
	put_le16(out + SNP_HDR_OFF(hdr_sz), SNP_MSG_HDR_SIZE);
	out[SNP_HDR_OFF(msg_type)] = m->type;
	out[SNP_HDR_OFF(msg_version)] = m->version;
	put_le16(out + SNP_HDR_OFF(msg_sz), m->size);
	out[SNP_HDR_OFF(msg_vmpck)] = m->vmpck;
	e = gcm(1, key, m->seqno, out + SNP_AAD_OFF, payload, m->size,
		out + SNP_MSG_HDR_SIZE, out);
	if (e)
		memset(out, 0, SNP_MSG_HDR_SIZE + (size_t)m->size);
	return e;
}

enum snp_msg_err snp_msg_open(const uint8_t key[SNP_VMPCK_LEN],
			      const uint8_t *msg, size_t len,
			      struct snp_msg_meta *m, uint8_t *payload,
			      size_t cap)
{
	uint8_t tag[SNP_AUTHTAG_LEN];
	enum snp_msg_err e = snp_msg_peek(msg, len, m);

	if (!e && m->size > cap)
		e = SNP_MSG_E_TOO_BIG;
	if (!e) {
		memcpy(tag, msg, SNP_AUTHTAG_LEN);
		e = gcm(0, key, m->seqno, msg + SNP_AAD_OFF,
			msg + SNP_MSG_HDR_SIZE, m->size, payload, tag);
	}
	if (e) {
		if (cap)
			memset(payload, 0, m->size <= cap ? m->size : cap);
		memset(m, 0, sizeof(*m));
	}
	return e;
}
