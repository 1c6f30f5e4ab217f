/* SPDX-License-Identifier: MIT */
/*
 * libvmgs: read and write VMGS v3 guest-state files (the format Hyper-V and
 * OpenHCL use). All I/O goes through a small ops table (struct vmgs_io) so
 * the same code serves files, memory and a block device behind a host
 * channel. Nothing here trusts the bytes it reads: every field is checked
 * before use and every failure is a named enum vmgs_err.
 */
#ifndef VMGS_VMGS_H
#define VMGS_VMGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VMGS_FILE_COUNT 64
#define VMGS_BLOCK_SIZE 4096u
#define VMGS_KEY_SIZE 32
#define VMGS_DEFAULT_CAPACITY 0x400000ull
#define VMGS_VHD_FOOTER_SIZE 512u
#define VMGS_MIN_CAPACITY (4ull * VMGS_BLOCK_SIZE)
#define VMGS_MAX_FILE_BYTES (4ull << 30) /* open refuses larger files */

enum vmgs_err {
	VMGS_OK = 0,
	VMGS_E_INVAL, /* bad argument from the caller */
	VMGS_E_NOMEM, /* allocation failed */
	VMGS_E_IO, /* the I/O layer reported an error */
	VMGS_E_FILE_SIZE, /* container size impossible (0, unaligned, >4 GiB) */
	VMGS_E_NO_FOOTER, /* no VHD footer cookie (raw image needs --raw) */
	VMGS_E_BAD_FOOTER, /* VHD footer checksum/version/type/size wrong */
	VMGS_E_EMPTY, /* both headers all zero: never formatted */
	VMGS_E_V1_FORMAT, /* GPT-based VMGS v1, not supported */
	VMGS_E_BAD_HEADER, /* no header passes validation */
	VMGS_E_BAD_SEQUENCE, /* two valid headers, sequences not n and n+1 */
	VMGS_E_BAD_TABLE, /* file table entry out of range or impossible */
	VMGS_E_OVERLAP, /* two file table entries share blocks */
	VMGS_E_BAD_FILE_ID, /* id out of range or reserved (0, 63) */
	VMGS_E_NOT_FOUND, /* file id not allocated */
	VMGS_E_EXISTS, /* file has data and overwrite not allowed */
	VMGS_E_NO_SPACE, /* no free range large enough */
	VMGS_E_TOO_BIG, /* file larger than the format allows */
	VMGS_E_NOT_ENCRYPTED, /* operation needs an encrypted VMGS */
	VMGS_E_ENCRYPTED, /* VMGS is already encrypted */
	VMGS_E_LOCKED, /* encrypted content and no key given */
	VMGS_E_WRONG_KEY, /* no key slot opens with this key */
	VMGS_E_AUTH, /* GCM tag mismatch: data was modified */
	VMGS_E_CRYPTO, /* OpenSSL failure (incl. no randomness) */
	VMGS_E_POISONED, /* an earlier write failed: reopen the file */
	VMGS_E_BAD_NVRAM, /* UEFI variable store is malformed */
	VMGS_E_COUNT
};

const char *vmgs_strerror(enum vmgs_err err);
/* Short stable identifier, e.g. "VMGS_E_AUTH" -> "auth". */
const char *vmgs_errname(enum vmgs_err err);

/*
 * I/O layer. Offsets and lengths the library passes are always multiples
 * of sector_size, and always inside [0, size). read/write/flush return 0 or
 * -1. A write that returns -1 may have been applied in part; the library
 * then refuses further writes on that handle (VMGS_E_POISONED).
 */
struct vmgs_io_ops {
	int (*read)(void *ctx, uint64_t off, void *buf, size_t len);
	int (*write)(void *ctx, uint64_t off, const void *buf, size_t len);
	int (*flush)(void *ctx);
	void (*destroy)(void *ctx);
	/*
	 * Optional (NULL, or return NULL, to decline): a pointer to bytes
	 * [off, off + len) that the io keeps in memory only its owner can
	 * reach and that change only through this library's own writes. The
	 * library then encrypts file data straight into them and decrypts
	 * straight out of them, with no private copy: storing through the
	 * pointer counts as a write of that range. Never provide it for
	 * storage anyone else can touch (files, a host channel): reads from
	 * those are copied once into private memory before they are checked.
	 * Of the layers below only the in-memory one provides it.
	 */
	void *(*map)(void *ctx, uint64_t off, size_t len);
};

struct vmgs_io {
	const struct vmgs_io_ops *ops;
	void *ctx;
	uint64_t size; /* total bytes, including any VHD footer */
	uint32_t sector_size; /* 512 or 4096 */
};

/* A regular file: an existing one, or a new (truncated) one of size bytes. */
enum vmgs_err vmgs_io_file_open(struct vmgs_io *io, const char *path,
				bool writable);
enum vmgs_err vmgs_io_file_create(struct vmgs_io *io, const char *path,
				  uint64_t size);
/*
 * A private in-memory copy of `len` bytes (data may be NULL: zeros); it
 * provides map, so file data is encrypted and decrypted in place.
 */
enum vmgs_err vmgs_io_mem_new(struct vmgs_io *io, const void *data,
			      uint64_t len);
/* Borrow the buffer of an in-memory io (for tests and the fuzzer). */
const uint8_t *vmgs_io_mem_data(const struct vmgs_io *io);
void vmgs_io_close(struct vmgs_io *io);

/*
 * Fault-injecting layer over an in-memory image. It keeps a durable image
 * (what survives power loss) and the writes since the last flush. Write
 * number `fail_at` (0-based, counting every write call) fails: nothing
 * after it reaches the device. vmgs_io_fault_crash_image() then builds the
 * image a crash would leave: the durable image plus the unflushed writes
 * chosen by `keep` (bit i = keep the i-th unflushed write; the failing
 * write itself is kept torn, first half only, when bit 63 is set).
 */
enum vmgs_err vmgs_io_fault_new(struct vmgs_io *io, const void *data,
				uint64_t len, uint64_t fail_at);
uint64_t vmgs_io_fault_writes(const struct vmgs_io *io);
unsigned vmgs_io_fault_pending(const struct vmgs_io *io);
bool vmgs_io_fault_tripped(const struct vmgs_io *io);
enum vmgs_err vmgs_io_fault_crash_image(const struct vmgs_io *io, uint64_t keep,
					uint8_t **out, uint64_t *out_len);

/* File ids (index into the 64-entry file table). */
enum vmgs_file_id {
	VMGS_FID_FILE_TABLE = 0,
	VMGS_FID_BIOS_NVRAM = 1,
	VMGS_FID_TPM_PPI = 2,
	VMGS_FID_TPM_NVRAM = 3,
	VMGS_FID_RTC_SKEW = 4,
	VMGS_FID_ATTEST = 5,
	VMGS_FID_KEY_PROTECTOR = 6,
	VMGS_FID_VM_UNIQUE_ID = 7,
	VMGS_FID_GUEST_FIRMWARE = 8,
	VMGS_FID_CUSTOM_UEFI = 9,
	VMGS_FID_GUEST_WATCHDOG = 10,
	VMGS_FID_HW_KEY_PROTECTOR = 11,
	VMGS_FID_GUEST_SECRET_KEY = 13,
	VMGS_FID_HIBERNATION_TOKEN = 14,
	VMGS_FID_PLATFORM_SEED = 15,
	VMGS_FID_PROVENANCE_DOC = 16,
	VMGS_FID_TPM_NVRAM_BACKUP = 17,
	VMGS_FID_PROVISIONING_MARKER = 18,
	VMGS_FID_EXTENDED_FILE_TABLE = 63,
};

/* Name of an id, or NULL if it has none. */
const char *vmgs_file_id_name(unsigned id);
/* Parse "3", "0x3" or "TPM_NVRAM" (case-insensitive). */
enum vmgs_err vmgs_file_id_parse(const char *s, unsigned *id);

/* Open flags. */
#define VMGS_OPEN_WRITE 0x1u /* allow modifications */
#define VMGS_OPEN_RAW 0x2u /* no VHD footer: the whole io is the VMGS */

#define VMGS_ENC_NONE 0
#define VMGS_ENC_AES_GCM 1

#define VMGS_ATTR_ENCRYPTED 0x1u
#define VMGS_ATTR_AUTHENTICATED 0x2u

struct vmgs;

/*
 * Write a fixed-VHD footer (unless raw) and format a fresh VMGS over the
 * io. capacity = VMGS bytes (multiple of 512, >= 16 KiB); the io must be at
 * least capacity (+512 for the footer) bytes. The io is consumed by the
 * returned handle on success and left to the caller on failure.
 */
enum vmgs_err vmgs_format(struct vmgs_io *io, uint64_t capacity, unsigned flags,
			  struct vmgs **out);
enum vmgs_err vmgs_open(struct vmgs_io *io, unsigned flags, struct vmgs **out);
/* Closes the handle and its io. */
void vmgs_close(struct vmgs *v);

uint64_t vmgs_capacity(const struct vmgs *v);
bool vmgs_is_encrypted(const struct vmgs *v);
bool vmgs_is_unlocked(const struct vmgs *v);

/* Try both key slots with the 32-byte datastore key, then open the EFT. */
enum vmgs_err vmgs_unlock(struct vmgs *v, const uint8_t key[VMGS_KEY_SIZE]);
/* Turn encryption on with a first datastore key (one atomic update). */
enum vmgs_err vmgs_add_first_key(struct vmgs *v,
				 const uint8_t key[VMGS_KEY_SIZE]);
/*
 * Key roll (needs vmgs_unlock first): a new metadata key wrapped by
 * new_key goes into the other slot and the old slot is cleared, in one
 * atomic update; the old datastore key no longer opens the file.
 */
enum vmgs_err vmgs_roll_key(struct vmgs *v,
			    const uint8_t new_key[VMGS_KEY_SIZE]);

struct vmgs_file_info {
	unsigned id;
	bool allocated;
	uint32_t block_offset;
	uint32_t alloc_blocks;
	uint64_t valid_bytes;
	uint32_t attributes; /* from the EFT when unlocked, else the table */
	bool encrypted;
};

enum vmgs_err vmgs_stat(const struct vmgs *v, unsigned id,
			struct vmgs_file_info *info);
/* Fills info[0..63] for every table entry. */
void vmgs_list(const struct vmgs *v,
	       struct vmgs_file_info info[VMGS_FILE_COUNT]);

#define VMGS_READ_RAW 0x1u /* return stored bytes even if encrypted */

/*
 * Reads a whole file into buf (cap bytes; VMGS_E_TOO_BIG if it does not
 * fit). On any error, including a tag mismatch, buf holds no file data.
 */
enum vmgs_err vmgs_read_into(struct vmgs *v, unsigned id, unsigned flags,
			     uint8_t *buf, uint64_t cap, uint64_t *len);
/* Reads a whole file into a malloc'd buffer (caller frees). */
enum vmgs_err vmgs_read(struct vmgs *v, unsigned id, unsigned flags,
			uint8_t **data, uint64_t *len);

#define VMGS_WRITE_ENCRYPT 0x1u /* encrypt (VMGS must be unlocked) */
#define VMGS_WRITE_OVERWRITE 0x2u /* replace a file that has data */

enum vmgs_err vmgs_write(struct vmgs *v, unsigned id, const void *data,
			 uint64_t len, unsigned flags);
enum vmgs_err vmgs_delete(struct vmgs *v, unsigned id);
/*
 * After a write failed (the handle is then poisoned: VMGS_E_POISONED):
 * reads the headers, the file table and, when unlocked, the extended file
 * table again from the io, as an open would, keeping the metadata key the
 * unlock gave, and clears the poison. The handle then shows what the io
 * holds: the state before or after the failed update, never a mix (the
 * header flip decides). Fails, still poisoned, if the io cannot be read or
 * the tables do not validate.
 */
enum vmgs_err vmgs_reload(struct vmgs *v);
enum vmgs_err vmgs_move(struct vmgs *v, unsigned src, unsigned dst,
			bool overwrite);

/* Header view for dump-headers. */
struct vmgs_header_info {
	bool present; /* not all zero */
	enum vmgs_err status;
	uint64_t signature;
	uint32_t version, checksum, computed_checksum, sequence, header_size;
	uint32_t file_table_offset, file_table_size;
	uint16_t encryption_algorithm, markers;
	bool key_slot_used[2];
};

struct vmgs_headers {
	struct vmgs_header_info h[2];
	int active; /* 0, 1 or -1 */
	enum vmgs_err status;
};
/* Reads and validates both headers without needing a valid table. */
enum vmgs_err vmgs_read_headers(struct vmgs_io *io, unsigned flags,
				struct vmgs_headers *out);

/* Integrity check. Every problem found is reported through the callback. */
enum vmgs_check_kind {
	VMGS_CHECK_ERROR,
	VMGS_CHECK_WARNING,
};

typedef void (*vmgs_check_cb)(void *arg, enum vmgs_check_kind kind,
			      enum vmgs_err code, const char *where,
			      const char *msg);

struct vmgs_check_result {
	unsigned errors;
	unsigned warnings;
	unsigned files_checked; /* allocated entries examined */
	unsigned tags_verified; /* GCM tags that authenticated */
	int active_header; /* -1 if none */
	enum vmgs_err first_error; /* VMGS_OK if clean */
};

/* key may be NULL: tags are then not verified. */
enum vmgs_err vmgs_check(struct vmgs_io *io, unsigned flags, const uint8_t *key,
			 vmgs_check_cb cb, void *arg,
			 struct vmgs_check_result *res);

#endif /* VMGS_VMGS_H */
