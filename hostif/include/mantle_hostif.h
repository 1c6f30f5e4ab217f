/* SPDX-License-Identifier: MIT */
/*
 * Mantle host<->paravisor control channel, wire format version 1.2
 * (normative text: hostif/SPEC.md). Frames travel over a virtio-serial
 * byte stream; every field is fixed width and little endian. This header
 * holds the wire constants, the frame codec and the stream decoder that
 * both sides link.
 */
#ifndef MANTLE_HOSTIF_H
#define MANTLE_HOSTIF_H

#include <stddef.h>
#include <stdint.h>

#define HOSTIF_MAGIC 0x4649484du /* "MHIF" as bytes on the wire */
#define HOSTIF_VERSION_MAJOR 1
#define HOSTIF_VERSION_MINOR 2 /* 1.1: pipes (§12); 1.2: SP relay (§13) */

/*
 * Every layout below names the offset of each field in wire order, and
 * asserts chain each field to the next and the last to the size, so no
 * field can move without its neighbours, the size and SPEC.md moving too.
 */
#define HOSTIF_FOLLOWS(a, size, b) \
	_Static_assert((a) + (size) == (b), #b " follows " #a)

/* Frame header: offsets of its fields (SPEC.md §3). */
#define HOSTIF_OFF_MAGIC 0
#define HOSTIF_OFF_MAJOR 4
#define HOSTIF_OFF_MINOR 5
#define HOSTIF_OFF_TYPE 6
#define HOSTIF_OFF_FLAGS 8
#define HOSTIF_OFF_RSVD 10
#define HOSTIF_OFF_LEN 12
#define HOSTIF_OFF_SEQ 16
#define HOSTIF_OFF_REQID 24
#define HOSTIF_OFF_CRC 28
#define HOSTIF_HDR_SIZE 32

HOSTIF_FOLLOWS(HOSTIF_OFF_MAGIC, 4, HOSTIF_OFF_MAJOR);
HOSTIF_FOLLOWS(HOSTIF_OFF_MAJOR, 1, HOSTIF_OFF_MINOR);
HOSTIF_FOLLOWS(HOSTIF_OFF_MINOR, 1, HOSTIF_OFF_TYPE);
HOSTIF_FOLLOWS(HOSTIF_OFF_TYPE, 2, HOSTIF_OFF_FLAGS);
HOSTIF_FOLLOWS(HOSTIF_OFF_FLAGS, 2, HOSTIF_OFF_RSVD);
HOSTIF_FOLLOWS(HOSTIF_OFF_RSVD, 2, HOSTIF_OFF_LEN);
HOSTIF_FOLLOWS(HOSTIF_OFF_LEN, 4, HOSTIF_OFF_SEQ);
HOSTIF_FOLLOWS(HOSTIF_OFF_SEQ, 8, HOSTIF_OFF_REQID);
HOSTIF_FOLLOWS(HOSTIF_OFF_REQID, 4, HOSTIF_OFF_CRC);
HOSTIF_FOLLOWS(HOSTIF_OFF_CRC, 4, HOSTIF_HDR_SIZE);
_Static_assert(HOSTIF_OFF_SEQ % 8 == 0, "seq is naturally aligned");

#define HOSTIF_SECTOR 512u /* data sizes are multiples of this */
#define HOSTIF_MAX_DATA 65536u /* sector data in one READ/WRITE */
#define HOSTIF_RW_HDR 16u /* fixed part of READ/WRITE payloads */
#define HOSTIF_MAX_PAYLOAD (HOSTIF_MAX_DATA + HOSTIF_RW_HDR)
#define HOSTIF_MAX_FRAME (HOSTIF_HDR_SIZE + HOSTIF_MAX_PAYLOAD)
#define HOSTIF_LOG_HDR 4u
#define HOSTIF_LOG_MAX 1024u /* text bytes in one LOG */

/* Message types. Replies have bit 15 set and echo the request id. */
enum hostif_type {
	HOSTIF_T_HELLO = 0x0001,
	HOSTIF_T_VMGS_INFO = 0x0010,
	HOSTIF_T_VMGS_READ = 0x0011,
	HOSTIF_T_VMGS_WRITE = 0x0012,
	HOSTIF_T_VMGS_FLUSH = 0x0013,
	HOSTIF_T_EVENT = 0x0020, /* host -> paravisor, one way */
	HOSTIF_T_LOG = 0x0021, /* paravisor -> host, one way */
	HOSTIF_T_PIPE_LIST = 0x0030, /* 1.1: the host's pipes */
	HOSTIF_T_PIPE_OPEN = 0x0031, /* 1.1: paravisor -> host, one way */
	HOSTIF_T_PIPE_CLOSE = 0x0032, /* 1.1: both ways, one way */
	HOSTIF_T_PIPE_DATA = 0x0033, /* 1.1: both ways, one way */
	HOSTIF_T_PIPE_CREDIT = 0x0034, /* 1.1: both ways, one way */
	HOSTIF_T_SP_MSG = 0x0040, /* 1.2: a sealed SNP guest request */
	HOSTIF_T_SP_CERTS = 0x0041, /* 1.2: the certificate table */
	HOSTIF_T_REPLY = 0x8000,
	HOSTIF_T_HELLO_REPLY = 0x8001,
	HOSTIF_T_VMGS_INFO_REPLY = 0x8010,
	HOSTIF_T_VMGS_READ_REPLY = 0x8011,
	HOSTIF_T_VMGS_WRITE_REPLY = 0x8012,
	HOSTIF_T_VMGS_FLUSH_REPLY = 0x8013,
	HOSTIF_T_PIPE_LIST_REPLY = 0x8030,
	HOSTIF_T_SP_MSG_REPLY = 0x8040,
	HOSTIF_T_SP_CERTS_REPLY = 0x8041,
};

/* Payload sizes (exact, or the fixed part of a bounded payload). */
#define HOSTIF_HELLO_SIZE 16u
#define HOSTIF_HELLO_REPLY_SIZE 24u
#define HOSTIF_INFO_REPLY_SIZE 16u
#define HOSTIF_STATUS_REPLY_SIZE 8u
#define HOSTIF_EVENT_SIZE 8u

/* Payload layouts (SPEC.md §6): the offset of every field, in wire order. */

/* HELLO; HELLO_REPLY carries the same four version bytes at its RANGE. */
#define HOSTIF_HELLO_OFF_MIN_MAJOR 0
#define HOSTIF_HELLO_OFF_MIN_MINOR 1
#define HOSTIF_HELLO_OFF_MAX_MAJOR 2
#define HOSTIF_HELLO_OFF_MAX_MINOR 3
#define HOSTIF_HELLO_OFF_RSVD 4 /* 4 bytes */
#define HOSTIF_HELLO_OFF_FEATURES 8
/* The version range: min major, min minor, max major, max minor. */
#define HOSTIF_VERSION_RANGE_SIZE 4
HOSTIF_FOLLOWS(HOSTIF_HELLO_OFF_MIN_MAJOR, 1, HOSTIF_HELLO_OFF_MIN_MINOR);
HOSTIF_FOLLOWS(HOSTIF_HELLO_OFF_MIN_MINOR, 1, HOSTIF_HELLO_OFF_MAX_MAJOR);
HOSTIF_FOLLOWS(HOSTIF_HELLO_OFF_MAX_MAJOR, 1, HOSTIF_HELLO_OFF_MAX_MINOR);
HOSTIF_FOLLOWS(HOSTIF_HELLO_OFF_MAX_MINOR, 1, HOSTIF_HELLO_OFF_RSVD);
HOSTIF_FOLLOWS(HOSTIF_HELLO_OFF_MIN_MAJOR, HOSTIF_VERSION_RANGE_SIZE,
	       HOSTIF_HELLO_OFF_RSVD);
HOSTIF_FOLLOWS(HOSTIF_HELLO_OFF_RSVD, 4, HOSTIF_HELLO_OFF_FEATURES);
HOSTIF_FOLLOWS(HOSTIF_HELLO_OFF_FEATURES, 8, HOSTIF_HELLO_SIZE);

#define HOSTIF_HELLO_REPLY_OFF_STATUS 0
#define HOSTIF_HELLO_REPLY_OFF_RANGE 4 /* as HELLO's bytes 0-3 */
#define HOSTIF_HELLO_REPLY_OFF_FEATURES 8
#define HOSTIF_HELLO_REPLY_OFF_MAJOR 16 /* the chosen version */
#define HOSTIF_HELLO_REPLY_OFF_MINOR 17
#define HOSTIF_HELLO_REPLY_OFF_RSVD16 18 /* 2 bytes */
#define HOSTIF_HELLO_REPLY_OFF_RSVD32 20 /* 4 bytes */
HOSTIF_FOLLOWS(HOSTIF_HELLO_REPLY_OFF_STATUS, 4, HOSTIF_HELLO_REPLY_OFF_RANGE);
HOSTIF_FOLLOWS(HOSTIF_HELLO_REPLY_OFF_RANGE, HOSTIF_VERSION_RANGE_SIZE,
	       HOSTIF_HELLO_REPLY_OFF_FEATURES);
HOSTIF_FOLLOWS(HOSTIF_HELLO_REPLY_OFF_FEATURES, 8,
	       HOSTIF_HELLO_REPLY_OFF_MAJOR);
HOSTIF_FOLLOWS(HOSTIF_HELLO_REPLY_OFF_MAJOR, 1, HOSTIF_HELLO_REPLY_OFF_MINOR);
HOSTIF_FOLLOWS(HOSTIF_HELLO_REPLY_OFF_MINOR, 1, HOSTIF_HELLO_REPLY_OFF_RSVD16);
HOSTIF_FOLLOWS(HOSTIF_HELLO_REPLY_OFF_RSVD16, 2, HOSTIF_HELLO_REPLY_OFF_RSVD32);
HOSTIF_FOLLOWS(HOSTIF_HELLO_REPLY_OFF_RSVD32, 4, HOSTIF_HELLO_REPLY_SIZE);

#define HOSTIF_INFO_REPLY_OFF_STATUS 0
#define HOSTIF_INFO_REPLY_OFF_SECTOR_SIZE 4
#define HOSTIF_INFO_REPLY_OFF_SECTOR_COUNT 8
HOSTIF_FOLLOWS(HOSTIF_INFO_REPLY_OFF_STATUS, 4,
	       HOSTIF_INFO_REPLY_OFF_SECTOR_SIZE);
HOSTIF_FOLLOWS(HOSTIF_INFO_REPLY_OFF_SECTOR_SIZE, 4,
	       HOSTIF_INFO_REPLY_OFF_SECTOR_COUNT);
HOSTIF_FOLLOWS(HOSTIF_INFO_REPLY_OFF_SECTOR_COUNT, 8, HOSTIF_INFO_REPLY_SIZE);

/* VMGS_READ, and VMGS_WRITE's fixed part (its data follows). */
#define HOSTIF_RW_OFF_LBA 0
#define HOSTIF_RW_OFF_COUNT 8
#define HOSTIF_RW_OFF_RSVD 12 /* 4 bytes */
#define HOSTIF_RW_OFF_DATA HOSTIF_RW_HDR
HOSTIF_FOLLOWS(HOSTIF_RW_OFF_LBA, 8, HOSTIF_RW_OFF_COUNT);
HOSTIF_FOLLOWS(HOSTIF_RW_OFF_COUNT, 4, HOSTIF_RW_OFF_RSVD);
HOSTIF_FOLLOWS(HOSTIF_RW_OFF_RSVD, 4, HOSTIF_RW_HDR);

/* VMGS_READ_REPLY: the same fixed size as READ, status first. */
#define HOSTIF_READ_REPLY_OFF_STATUS 0
#define HOSTIF_READ_REPLY_OFF_COUNT 4
#define HOSTIF_READ_REPLY_OFF_LBA 8
#define HOSTIF_READ_REPLY_OFF_DATA HOSTIF_RW_HDR
HOSTIF_FOLLOWS(HOSTIF_READ_REPLY_OFF_STATUS, 4, HOSTIF_READ_REPLY_OFF_COUNT);
HOSTIF_FOLLOWS(HOSTIF_READ_REPLY_OFF_COUNT, 4, HOSTIF_READ_REPLY_OFF_LBA);
HOSTIF_FOLLOWS(HOSTIF_READ_REPLY_OFF_LBA, 8, HOSTIF_RW_HDR);

/* VMGS_WRITE_REPLY and VMGS_FLUSH_REPLY (whose COUNT is reserved). */
#define HOSTIF_STATUS_REPLY_OFF_STATUS 0
#define HOSTIF_STATUS_REPLY_OFF_COUNT 4
HOSTIF_FOLLOWS(HOSTIF_STATUS_REPLY_OFF_STATUS, 4,
	       HOSTIF_STATUS_REPLY_OFF_COUNT);
HOSTIF_FOLLOWS(HOSTIF_STATUS_REPLY_OFF_COUNT, 4, HOSTIF_STATUS_REPLY_SIZE);

#define HOSTIF_EVENT_OFF_DEVICE 0
#define HOSTIF_EVENT_OFF_VECTOR 4
#define HOSTIF_EVENT_OFF_RSVD 6 /* 2 bytes */
HOSTIF_FOLLOWS(HOSTIF_EVENT_OFF_DEVICE, 4, HOSTIF_EVENT_OFF_VECTOR);
HOSTIF_FOLLOWS(HOSTIF_EVENT_OFF_VECTOR, 2, HOSTIF_EVENT_OFF_RSVD);
HOSTIF_FOLLOWS(HOSTIF_EVENT_OFF_RSVD, 2, HOSTIF_EVENT_SIZE);

#define HOSTIF_LOG_OFF_LEVEL 0
#define HOSTIF_LOG_OFF_RSVD 1 /* 3 bytes */
#define HOSTIF_LOG_OFF_TEXT HOSTIF_LOG_HDR
HOSTIF_FOLLOWS(HOSTIF_LOG_OFF_LEVEL, 1, HOSTIF_LOG_OFF_RSVD);
HOSTIF_FOLLOWS(HOSTIF_LOG_OFF_RSVD, 3, HOSTIF_LOG_HDR);

/*
 * Pipes (1.1, SPEC.md §12). Every pipe message but PIPE_LIST(_REPLY) starts
 * with the same 16 bytes: pipe index, reserved, epoch (which open of the
 * pipe it belongs to, never 0) and one 64-bit argument (PIPE_DATA: stream
 * offset of its first byte; PIPE_CREDIT: the limit; PIPE_CLOSE: reason and
 * reserved; PIPE_OPEN: reserved).
 */
#define HOSTIF_PIPE_MAX 16 /* pipes per session (PIPE_MAX of the pv) */
#define HOSTIF_PIPE_NAME_MAX 15 /* characters; [a-z0-9_-] */
#define HOSTIF_PIPE_NAME_FIELD 16 /* the name NUL-padded on the wire */
#define HOSTIF_PIPE_HDR 16u
#define HOSTIF_PIPE_DATA_MAX (HOSTIF_MAX_PAYLOAD - HOSTIF_PIPE_HDR)
#define HOSTIF_PIPE_LIST_HDR 8u
#define HOSTIF_PIPE_LIST_MAX \
	(HOSTIF_PIPE_LIST_HDR + HOSTIF_PIPE_MAX * HOSTIF_PIPE_NAME_FIELD)
_Static_assert(HOSTIF_PIPE_DATA_MAX == 65536, "64 KiB of pipe data a frame");

#define HOSTIF_PIPE_OFF_PIPE 0
#define HOSTIF_PIPE_OFF_RSVD 2 /* 2 bytes */
#define HOSTIF_PIPE_OFF_EPOCH 4
#define HOSTIF_PIPE_OFF_ARG 8 /* offset, limit, or reason + reserved */
#define HOSTIF_PIPE_OFF_REASON 8 /* PIPE_CLOSE: 4 bytes */
#define HOSTIF_PIPE_OFF_RSVD2 12 /* PIPE_CLOSE: 4 bytes */
#define HOSTIF_PIPE_OFF_DATA HOSTIF_PIPE_HDR
HOSTIF_FOLLOWS(HOSTIF_PIPE_OFF_PIPE, 2, HOSTIF_PIPE_OFF_RSVD);
HOSTIF_FOLLOWS(HOSTIF_PIPE_OFF_RSVD, 2, HOSTIF_PIPE_OFF_EPOCH);
HOSTIF_FOLLOWS(HOSTIF_PIPE_OFF_EPOCH, 4, HOSTIF_PIPE_OFF_ARG);
HOSTIF_FOLLOWS(HOSTIF_PIPE_OFF_ARG, 8, HOSTIF_PIPE_HDR);
HOSTIF_FOLLOWS(HOSTIF_PIPE_OFF_REASON, 4, HOSTIF_PIPE_OFF_RSVD2);
HOSTIF_FOLLOWS(HOSTIF_PIPE_OFF_RSVD2, 4, HOSTIF_PIPE_HDR);
_Static_assert(HOSTIF_PIPE_OFF_ARG % 8 == 0, "pipe arg is naturally aligned");

/* PIPE_LIST_REPLY: status, count, then count NUL-padded names. */
#define HOSTIF_PIPE_LIST_OFF_STATUS 0
#define HOSTIF_PIPE_LIST_OFF_COUNT 4
#define HOSTIF_PIPE_LIST_OFF_NAMES HOSTIF_PIPE_LIST_HDR
HOSTIF_FOLLOWS(HOSTIF_PIPE_LIST_OFF_STATUS, 4, HOSTIF_PIPE_LIST_OFF_COUNT);
HOSTIF_FOLLOWS(HOSTIF_PIPE_LIST_OFF_COUNT, 4, HOSTIF_PIPE_LIST_HDR);

/*
 * The secure-processor relay (1.2, SPEC.md §13). SP_MSG carries one sealed
 * SNP guest request (header + ciphertext, at most one page) that the host
 * relays to the secure processor; it is NOT idempotent (the firmware
 * consumes a sequence number) and is sent once, never retried. SP_CERTS
 * (empty) asks for the certificate table (at most 16 KiB). Both replies:
 * status, reserved, then the data (the sealed response or the table); an
 * error status carries no data, an OK status at least one byte.
 */
#define HOSTIF_SP_MSG_MAX 4096u /* SNP_MSG_PAGE_SIZE */
#define HOSTIF_SP_CERTS_MAX 16384u /* SNP_CERT_TABLE_MAX */
#define HOSTIF_SP_REPLY_HDR 8u
#define HOSTIF_SP_REPLY_OFF_STATUS 0
#define HOSTIF_SP_REPLY_OFF_RSVD 4 /* 4 bytes */
#define HOSTIF_SP_REPLY_OFF_DATA HOSTIF_SP_REPLY_HDR
HOSTIF_FOLLOWS(HOSTIF_SP_REPLY_OFF_STATUS, 4, HOSTIF_SP_REPLY_OFF_RSVD);
HOSTIF_FOLLOWS(HOSTIF_SP_REPLY_OFF_RSVD, 4, HOSTIF_SP_REPLY_HDR);
_Static_assert(HOSTIF_SP_REPLY_HDR + HOSTIF_SP_CERTS_MAX <= HOSTIF_MAX_PAYLOAD,
	       "a certificate table fits one frame");

/* Why a pipe ended (PIPE_CLOSE reason). */
enum hostif_pipe_reason {
	HOSTIF_PIPE_R_CLOSED = 0, /* the sender's end closed normally */
	HOSTIF_PIPE_R_REFUSED = 1, /* host: connecting to the socket failed */
	HOSTIF_PIPE_R_IO = 2, /* the socket failed */
	HOSTIF_PIPE_R_STREAM = 3, /* bad offset or credit: stream damaged */
	HOSTIF_PIPE_R_NO_PIPE = 4, /* no such pipe */
	HOSTIF_PIPE_R_COUNT
};

/* Feature bits (HELLO). Zero means the 1.0 baseline: VMGS service only. */
#define HOSTIF_F_EVENTS (1ull << 0) /* host may send EVENT */
#define HOSTIF_F_LOG (1ull << 1) /* paravisor may send LOG */
#define HOSTIF_F_PIPES (1ull << 2) /* 1.1 and later: pipe messages */
#define HOSTIF_F_SP (1ull << 3) /* 1.2 and later: SP_MSG, SP_CERTS */
#define HOSTIF_F_KNOWN \
	(HOSTIF_F_EVENTS | HOSTIF_F_LOG | HOSTIF_F_PIPES | HOSTIF_F_SP)

/* Status codes in replies. */
enum hostif_status {
	HOSTIF_S_OK = 0,
	HOSTIF_S_IO = 1, /* the host's storage failed */
	HOSTIF_S_RANGE = 2, /* lba/count outside the data part */
	HOSTIF_S_NOT_READY = 3, /* request before a successful HELLO */
	HOSTIF_S_VERSION = 4, /* no common version: session refused */
	HOSTIF_S_NO_DEVICE = 5, /* no VMGS attached */
	HOSTIF_S_BAD_REQUEST = 6, /* malformed request */
	HOSTIF_S_SP_DOWN = 7, /* 1.2: no secure processor (none, or it died) */
	HOSTIF_S_SP_REFUSED = 8, /* 1.2: the secure processor refused it */
};

/* Library error codes (negative values are returned). */
enum hostif_err {
	HOSTIF_OK = 0,
	HOSTIF_E_MAGIC, /* bytes skipped looking for a frame start */
	HOSTIF_E_LENGTH, /* length impossible for the frame or its type */
	HOSTIF_E_CRC, /* CRC-32 mismatch */
	HOSTIF_E_VERSION, /* header version not the negotiated one */
	HOSTIF_E_TYPE, /* unknown message type */
	HOSTIF_E_RESERVED, /* a reserved field or flag is not zero */
	HOSTIF_E_PAYLOAD, /* payload fails its type's validation */
	HOSTIF_E_TIMEOUT, /* no valid reply in time (after retries) */
	HOSTIF_E_IO, /* read/write on the channel failed */
	HOSTIF_E_CLOSED, /* peer closed the channel */
	HOSTIF_E_REFUSED, /* version negotiation failed */
	HOSTIF_E_STATUS, /* the peer answered with an error status */
	HOSTIF_E_INVAL, /* bad argument from the caller */
	HOSTIF_E_NOMEM,
	HOSTIF_E_STATE, /* call not valid in this session state */
	HOSTIF_E_COUNT
};

const char *hostif_strerror(int err); /* accepts err or -err */

/* Decoded header. */
struct hostif_hdr {
	uint32_t magic;
	uint8_t major, minor;
	uint16_t type;
	uint16_t flags;
	uint16_t reserved;
	uint32_t len;
	uint64_t seq;
	uint32_t req_id;
	uint32_t crc;
};

/* A frame as the decoder hands it out: payload points into its buffer. */
struct hostif_frame {
	struct hostif_hdr h;
	const uint8_t *payload;
};

/* Typed payloads. */
struct hostif_hello {
	uint8_t min_major, min_minor, max_major, max_minor;
	uint64_t features;
};

struct hostif_hello_reply {
	uint32_t status;
	struct hostif_hello range; /* the replier's range and features */
	uint8_t major, minor; /* chosen version (valid if status OK) */
};

struct hostif_info_reply {
	uint32_t status;
	uint32_t sector_size;
	uint64_t sector_count;
};

struct hostif_rw { /* READ request; WRITE request's fixed part */
	uint64_t lba;
	uint32_t count;
};

struct hostif_read_reply {
	uint32_t status;
	uint32_t count;
	uint64_t lba;
	const uint8_t *data;
	size_t data_len;
};

struct hostif_write { /* WRITE request */
	struct hostif_rw rw;
	const uint8_t *data;
	size_t data_len;
};

struct hostif_status_reply { /* WRITE and FLUSH replies */
	uint32_t status;
	uint32_t count; /* sectors written (WRITE); 0 for FLUSH */
};

struct hostif_event {
	uint32_t device;
	uint16_t vector;
};

struct hostif_log {
	uint8_t level;
	const char *text; /* not NUL-terminated */
	size_t len;
};

/* PIPE_OPEN, PIPE_DATA, PIPE_CREDIT, PIPE_CLOSE. */
struct hostif_pipe {
	uint16_t pipe;
	uint32_t epoch;
	uint64_t arg; /* DATA: offset; CREDIT: limit; CLOSE: reason */
	const uint8_t *data; /* DATA only */
	size_t data_len;
};

/* SP_MSG (status 0) and both SP replies: data points into the frame. */
struct hostif_sp {
	uint32_t status;
	const uint8_t *data;
	size_t data_len;
};

struct hostif_pipe_list {
	uint32_t status;
	uint32_t count;
	/* Raw name fields as sent (NUL-padded, not validated: see
	 * hostif_pipe_name_check). */
	char names[HOSTIF_PIPE_MAX][HOSTIF_PIPE_NAME_FIELD];
};

/* --- frame codec (wire.c) ---------------------------------------------- */

uint32_t hostif_crc(const uint8_t hdr[HOSTIF_HDR_SIZE], const uint8_t *payload,
		    size_t len);
/*
 * Encodes a frame: h supplies type, version, seq and req_id (magic, len,
 * crc are filled in). The payload is the concatenation of p1 and p2 (either
 * may be NULL with length 0). Returns the frame size, or 0 if it does not
 * fit cap or exceeds HOSTIF_MAX_PAYLOAD.
 */
size_t hostif_frame_encode(uint8_t *out, size_t cap, const struct hostif_hdr *h,
			   const void *p1, size_t n1, const void *p2,
			   size_t n2);
void hostif_hdr_decode(const uint8_t b[HOSTIF_HDR_SIZE], struct hostif_hdr *h);

/*
 * --- messages (msg.c): one table row per type holds its length bounds,
 * whether it is one way, its payload validation and its decoder. ----------
 */

/* Bounds of a type's payload length; -HOSTIF_E_TYPE if unknown. */
int hostif_type_len_bounds(uint16_t type, uint32_t *min, uint32_t *max);
/*
 * Per-type validation of a complete frame (length exact or bounded,
 * reserved fields zero, data sizes whole sectors). 0 or -HOSTIF_E_*.
 */
int hostif_msg_validate(const struct hostif_frame *f);

/* Fixed-part encoders: write exactly the payload size named above. */
void hostif_hello_put(uint8_t out[HOSTIF_HELLO_SIZE],
		      const struct hostif_hello *m);
void hostif_hello_reply_put(uint8_t out[HOSTIF_HELLO_REPLY_SIZE],
			    const struct hostif_hello_reply *m);
void hostif_info_reply_put(uint8_t out[HOSTIF_INFO_REPLY_SIZE],
			   const struct hostif_info_reply *m);
void hostif_rw_put(uint8_t out[HOSTIF_RW_HDR], const struct hostif_rw *m);
void hostif_read_reply_put(uint8_t out[HOSTIF_RW_HDR],
			   const struct hostif_read_reply *m);
void hostif_status_reply_put(uint8_t out[HOSTIF_STATUS_REPLY_SIZE],
			     const struct hostif_status_reply *m);
void hostif_event_put(uint8_t out[HOSTIF_EVENT_SIZE],
		      const struct hostif_event *m);
void hostif_log_put(uint8_t out[HOSTIF_LOG_HDR], uint8_t level);
/* The 16-byte pipe header; for PIPE_CLOSE arg is the reason. */
void hostif_pipe_put(uint8_t out[HOSTIF_PIPE_HDR], uint16_t type,
		     const struct hostif_pipe *m);
/* PIPE_LIST_REPLY's 8 + 16 * count bytes; returns that size. */
size_t hostif_pipe_list_put(uint8_t out[HOSTIF_PIPE_LIST_MAX],
			    const struct hostif_pipe_list *m);
/* SP_MSG_REPLY's and SP_CERTS_REPLY's fixed part; the data follows. */
void hostif_sp_reply_put(uint8_t out[HOSTIF_SP_REPLY_HDR], uint32_t status);

/*
 * Typed decoders: each calls hostif_msg_validate and checks the type, so a
 * payload is only ever read through one of these. 0 or -HOSTIF_E_*.
 */
int hostif_hello_get(const struct hostif_frame *f, struct hostif_hello *m);
int hostif_hello_reply_get(const struct hostif_frame *f,
			   struct hostif_hello_reply *m);
int hostif_info_reply_get(const struct hostif_frame *f,
			  struct hostif_info_reply *m);
int hostif_read_get(const struct hostif_frame *f, struct hostif_rw *m);
int hostif_read_reply_get(const struct hostif_frame *f,
			  struct hostif_read_reply *m);
int hostif_write_get(const struct hostif_frame *f, struct hostif_write *m);
int hostif_status_reply_get(const struct hostif_frame *f,
			    struct hostif_status_reply *m);
int hostif_event_get(const struct hostif_frame *f, struct hostif_event *m);
int hostif_log_get(const struct hostif_frame *f, struct hostif_log *m);
/* Any of PIPE_OPEN, PIPE_DATA, PIPE_CREDIT, PIPE_CLOSE. */
int hostif_pipe_get(const struct hostif_frame *f, struct hostif_pipe *m);
int hostif_pipe_list_get(const struct hostif_frame *f,
			 struct hostif_pipe_list *m);
/* SP_MSG (the whole payload is the data), SP_MSG_REPLY or SP_CERTS_REPLY. */
int hostif_sp_get(const struct hostif_frame *f, struct hostif_sp *m);

/*
 * A pipe name: 1 .. HOSTIF_PIPE_NAME_MAX characters of [a-z0-9_-] in the
 * first n bytes of s, up to the first NUL; in a wire field (n = 16) every
 * byte after the name is NUL. 0, or -1 with *why set to the reason.
 */
int hostif_pipe_name_check(const char *s, size_t n, const char **why);
const char *hostif_pipe_reason_name(uint32_t reason);
/* The features a session may use at version major.minor (PIPES needs 1.1,
 * SP 1.2). */
uint64_t hostif_features_at(uint64_t features, uint8_t major, uint8_t minor);

/*
 * Version negotiation (SPEC.md §5): the highest version inside both
 * ranges. Returns 0 and the version, or -HOSTIF_E_REFUSED.
 */
int hostif_negotiate(const struct hostif_hello *a, const struct hostif_hello *b,
		     uint8_t *major, uint8_t *minor);

/* --- stream decoder (decoder.c) ---------------------------------------- */

/*
 * Reassembles frames from a byte stream in a private, bounded buffer. The
 * caller copies bytes in once (hostif_dec_feed, or read() into
 * hostif_dec_space); frames are validated there and never re-read from the
 * source.
 */
struct hostif_dec {
	size_t start, end; /* unparsed bytes are buf[start, end) */
	size_t hold; /* bytes of the frame last handed out */
	uint64_t skipped; /* bytes dropped while resynchronising */
	uint8_t buf[HOSTIF_MAX_FRAME];
};

void hostif_dec_init(struct hostif_dec *d);
/* Where to put up to *space more bytes (compacts the buffer). */
uint8_t *hostif_dec_space(struct hostif_dec *d, size_t *space);
void hostif_dec_commit(struct hostif_dec *d, size_t n);
/* Copies in as much of data as fits; returns the bytes taken. */
size_t hostif_dec_feed(struct hostif_dec *d, const void *data, size_t len);
/*
 * Next frame: 1 and *f (valid until the next decoder call), 0 when more
 * bytes are needed, or -HOSTIF_E_* when a bad frame was dropped (the
 * decoder has already moved past it; call again).
 */
int hostif_dec_next(struct hostif_dec *d, struct hostif_frame *f);
/* Bytes buffered but not yet a frame (a partial frame). */
size_t hostif_dec_pending(const struct hostif_dec *d);
/* Drops one byte and resynchronises (used when a partial frame stalls). */
void hostif_dec_skip(struct hostif_dec *d);

#endif /* MANTLE_HOSTIF_H */
