/* SPDX-License-Identifier: MIT */
/*
 * mantle-sp, the simulated secure processor: its internal interface.
 * SPEC.md is the normative description; common/include/mantle_sp_ipc.h and
 * snp_abi.h define the bytes.
 *
 *   sp_state.c    the state directory and its files (permissions, atomic
 *                 writes, the lock)
 *   sp_chip.c     one simulated chip: root secret, CHIP_ID, ARK/ASK/VCEK
 *   sp_x509.c     building the AMD-shaped certificates
 *   sp_kdf.c      every key derived from the root secret, and MSG_KEY_REQ
 *   sp_launch.c   LAUNCH: measurement, VMPCKs, secrets page
 *   sp_guest.c    GUEST_MSG: the firmware side of an SNP guest request
 *   sp_report.c   ATTESTATION_REPORT v3, signed with the VCEK
 *   sp_certs.c    GET_CERTS / EXPORT_CA
 *   sp_dispatch.c one IPC request in, one reply out (no I/O)
 *   sp_ipc.c      the socket loop
 *   sp_log.c      stderr logging with the "mantle-sp:" prefix
 */
#ifndef MANTLE_SP_H
#define MANTLE_SP_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/evp.h>
#include <openssl/x509.h>

#include "mantle_sp_ipc.h"
#include "snp_abi.h"

#define SP_ROOT_SECRET_LEN 64u
#define SP_ROOT_KEY_LEN 48u /* a VCEK root or VMRK: one SHA-384 width */
#define SP_HOST_DATA_LEN 32u
#define SP_REPORT_ID_LEN 32u
#define SP_ID_LEN 16u /* IMAGE_ID, FAMILY_ID */
#define SP_MAX_IMAGE_FILE (512ull * 1024 * 1024)
#define SP_MAX_PATH 4095u

/* --- log (sp_log.c) --------------------------------------------------- */

void sp_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Tests and the fuzz target silence the log. */
void sp_log_quiet(int on);
/* Logs the OpenSSL error queue after a message, then clears it. */
void sp_log_ssl(const char *what);

/* --- state directory (sp_state.c) ------------------------------------- */

/* The default state directory: $XDG_DATA_HOME/mantle/sp, else
 * $HOME/.local/share/mantle/sp. -1 when neither is set or it is too long. */
int sp_state_default(char *out, size_t size);
/* Creates dir (mode 0700, parents as needed) or checks an existing one:
 * a real directory owned by this user, no group/other permission. Takes
 * the directory's lock (held until sp_state_unlock). Returns the lock fd or
 * -1 with a message logged. */
int sp_state_lock(const char *dir);
void sp_state_unlock(int lockfd);
/* Reads dir/name (regular, ours, mode 0600 or stricter, at most max
 * bytes) into a malloc'd buffer. 0, 1 when absent, -1 on error (logged). */
int sp_state_read(const char *dir, const char *name, size_t max, uint8_t **buf,
		  size_t *len);
/* Writes dir/name with mode 0600: temp file, fsync, rename, fsync dir. */
int sp_state_write(const char *dir, const char *name, const void *buf,
		   size_t len);
int sp_state_exists(const char *dir, const char *name);

/* --- the chip (sp_chip.c) --------------------------------------------- */

struct sp_chip {
	uint8_t root[SP_ROOT_SECRET_LEN];
	uint8_t chip_id[SNP_CHIP_ID_LEN];
	uint64_t tcb; /* current = committed = reported = launch */
	EVP_PKEY *vcek; /* private, derived from root and tcb */
	X509 *ark, *ask, *vcek_cert;
};

/* Opens (creating on first use) the chip of state directory dir. */
int sp_chip_open(struct sp_chip *c, const char *dir);
void sp_chip_close(struct sp_chip *c);

/* --- certificates (sp_x509.c) ----------------------------------------- */

enum sp_cert_kind { SP_CERT_ARK, SP_CERT_ASK, SP_CERT_VCEK };

/* A certificate for subject_key, signed by issuer_key with RSA-PSS
 * SHA-384/MGF1-SHA-384/salt 48; issuer NULL for the self-signed ARK. The
 * VCEK carries the AMD extensions for tcb and chip_id. */
X509 *sp_x509_make(enum sp_cert_kind kind, EVP_PKEY *subject_key,
		   const X509 *issuer, EVP_PKEY *issuer_key, uint64_t tcb,
		   const uint8_t chip_id[SNP_CHIP_ID_LEN]);
/* 1 when cert's key is key's public half. */
int sp_x509_key_matches(const X509 *cert, const EVP_PKEY *key);

/* --- derivations (sp_kdf.c) ------------------------------------------- */

/* HKDF-SHA-384 (salt "mantle-sp", info = label || 0x00 || ctx). */
int sp_hkdf(const uint8_t *ikm, size_t ikm_len, const char *label,
	    const uint8_t *ctx, size_t ctx_len, uint8_t *out, size_t out_len);
int sp_kdf_chip_id(const uint8_t root[SP_ROOT_SECRET_LEN],
		   uint8_t chip_id[SNP_CHIP_ID_LEN]);
/* The VCEK private key for a TCB: deterministic per chip and TCB. */
EVP_PKEY *sp_kdf_vcek(const uint8_t root[SP_ROOT_SECRET_LEN], uint64_t tcb);

/* --- one launched VM (sp_launch.c) ------------------------------------ */

struct sp_vm {
	int launched;
	uint64_t policy;
	uint32_t guest_svn; /* 0: no ID block */
	uint8_t image_id[SP_ID_LEN], family_id[SP_ID_LEN]; /* zero */
	uint8_t host_data[SP_HOST_DATA_LEN];
	uint8_t measurement[SNP_MEASUREMENT_LEN];
	uint8_t report_id[SP_REPORT_ID_LEN];
	uint8_t vmrk[SP_ROOT_KEY_LEN];
	uint8_t vmpck[SNP_VMPCK_COUNT][SNP_VMPCK_LEN];
	uint32_t seqno[SNP_VMPCK_COUNT]; /* the firmware's last used */
};

/* Reads a whole image file; the default reads the file system, tests
 * inject their own. *buf is freed with free(). 0 or -1 (logged). */
struct sp_reader {
	int (*read)(void *arg, const char *path, uint64_t max, uint8_t **buf,
		    size_t *len);
	void *arg;
};
int sp_read_file(void *arg, const char *path, uint64_t max, uint8_t **buf,
		 size_t *len);

/* LAUNCH: payload as mantle_sp_ipc.h defines it; reply = measurement then
 * the secrets page (SP_LAUNCH_REPLY_SIZE bytes). Returns an SP_ST_*. */
enum sp_ipc_status sp_launch(struct sp_vm *vm, const struct sp_reader *rd,
			     const uint8_t *req, size_t len,
			     uint8_t reply[SP_LAUNCH_REPLY_SIZE]);

/* --- reports and derived keys ----------------------------------------- */

/* Builds and signs ATTESTATION_REPORT v3. 0 or -1 (logged). */
int sp_report_build(const struct sp_chip *c, const struct sp_vm *vm,
		    const uint8_t user_data[SNP_REPORT_DATA_LEN], uint32_t vmpl,
		    uint8_t report[SNP_REPORT_SIZE]);

/* MSG_KEY_REQ for a request under the VMPCK of key_vmpl: an SNP status
 * (SNP_STATUS_SUCCESS or SNP_STATUS_INVALID_PARAM), or -1 when OpenSSL
 * failed. */
int sp_kdf_derive(const struct sp_chip *c, const struct sp_vm *vm,
		  const struct snp_derived_key_req *r, uint32_t key_vmpl,
		  uint8_t key[SNP_DERIVED_KEY_LEN]);
/* TCB_VERSION a <= b, component by component (Milan layout). */
int sp_tcb_le(uint64_t a, uint64_t b);

/* --- guest messages (sp_guest.c) -------------------------------------- */

enum sp_guest_err {
	SP_GUEST_OK = 0,
	SP_GUEST_E_HEADER, /* the header is malformed (snp_msg_peek) */
	SP_GUEST_E_AUTH, /* does not authenticate under the named VMPCK */
	SP_GUEST_E_SEQNO, /* not the firmware's last + 1 */
	SP_GUEST_E_TYPE, /* not a REPORT_REQ or KEY_REQ */
	SP_GUEST_E_VERSION, /* MSG_VERSION is not 1 */
	SP_GUEST_E_SIZE, /* payload size is not the type's */
	SP_GUEST_E_INTERNAL, /* OpenSSL failed */
	SP_GUEST_E_COUNT
};
const char *sp_guest_strerror(enum sp_guest_err e);

/* One guest request msg[0..len) -> the sealed response in out (at least
 * SNP_MSG_PAGE_SIZE bytes). Errors mean no response at all. */
enum sp_guest_err sp_guest_handle(struct sp_vm *vm, const struct sp_chip *c,
				  const uint8_t *msg, size_t len, uint8_t *out,
				  size_t *out_len);

/* --- certificates out (sp_certs.c) ------------------------------------ */

/* The SNP certificate table (VCEK, ASK, ARK as DER). Length or -1. */
long sp_certs_table(const struct sp_chip *c, uint8_t *out, size_t cap);
/* ASK then ARK as PEM. Length or -1. */
long sp_certs_ca_pem(const struct sp_chip *c, uint8_t *out, size_t cap);
/* (GUIDs to bytes: snp_guid_bytes, paravisor/snp/snp_certs.h, the one
 * definition that the paravisor's reader of the table uses too.) */

/* --- dispatch (sp_dispatch.c) ----------------------------------------- */

struct sp_stats {
	unsigned long requests, malformed, refused_guest, reports, keys;
};

struct sp {
	const struct sp_chip *chip;
	struct sp_vm vm;
	struct sp_reader reader;
	struct sp_stats stats;
};

#define SP_IPC_MSG_MAX (SP_IPC_HDR_SIZE + SP_IPC_MAX_PAYLOAD)

void sp_init(struct sp *sp, const struct sp_chip *chip,
	     const struct sp_reader *reader);
/* Wipes the VM's keys. */
void sp_fini(struct sp *sp);
/* One request req[0..len) (len may exceed SP_IPC_MSG_MAX: refused) -> one
 * reply in rsp (SP_IPC_MSG_MAX bytes). Returns the reply length. */
size_t sp_dispatch(struct sp *sp, const uint8_t *req, size_t len, uint8_t *rsp);
const char *sp_status_name(unsigned int st);

/* --- the socket loop (sp_ipc.c) --------------------------------------- */

/* Serves fd (a SOCK_SEQPACKET socket) until EOF. 0 at EOF, -1 on error. */
int sp_ipc_serve(struct sp *sp, int fd);

#endif
