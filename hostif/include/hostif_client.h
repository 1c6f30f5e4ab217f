/* SPDX-License-Identifier: MIT */
/*
 * Paravisor side (trusted) of the control channel: negotiation, requests
 * with timeouts and retries, event mediation, and a count of every kind of
 * bad input the host sent. Single-threaded: one request at a time; the
 * pipe primitives (1.1) are one-way frames on the same thread (the
 * thread-safe pipe layer of the paravisor is paravisor/vmm/control_pipe.c).
 */
#ifndef HOSTIF_CLIENT_H
#define HOSTIF_CLIENT_H

#include <stddef.h>
#include <stdint.h>

#include "mantle_hostif.h"

#define HOSTIF_MAX_EVENT_SOURCES 32

struct hostif_counters {
	uint64_t frames_ok; /* frames accepted and used */
	uint64_t bytes_skipped; /* dropped while resynchronising */
	uint64_t bad_magic, bad_length, bad_crc, bad_version, bad_type;
	uint64_t bad_reserved, bad_payload;
	uint64_t replays; /* seq not above the last accepted: replay/reorder */
	uint64_t seq_gaps; /* seq jumped: frames lost or held back */
	uint64_t stale_replies; /* reply id not the outstanding request */
	uint64_t unexpected; /* request types, wrong reply type */
	uint64_t bad_replies; /* reply does not match its request (short) */
	uint64_t host_errors; /* replies with an error status */
	uint64_t timeouts, retries;
	uint64_t stalls; /* partial frame dropped at a timeout */
	uint64_t events_delivered;
	uint64_t events_bogus; /* unknown source/vector, or not negotiated */
	uint64_t events_storm; /* over the source's rate: dropped */
	uint64_t pipe_frames; /* pipe frames handed to pipe_cb */
	uint64_t pipe_bogus; /* pipe frames without PIPES, or PIPE_OPEN */
};

struct hostif_client_cfg {
	unsigned timeout_ms; /* per attempt; 0 = 1000 */
	unsigned attempts; /* 0 = 4 */
	uint64_t features; /* wanted HOSTIF_F_* */
	struct hostif_hello range; /* min_major 0 = 1.0 .. 1.1 */
	/* Accepted events go here (after the source and rate checks). */
	void (*event_cb)(void *arg, uint32_t device, uint16_t vector);
	void *event_arg;
	unsigned event_burst; /* per source; 0 = 32 */
	unsigned event_rate; /* per source and second; 0 = 1000 */
	uint64_t (*now_ns)(void *arg); /* NULL = CLOCK_MONOTONIC */
	void *clock_arg;
	/*
	 * 1.1 pipes: PIPE_DATA, PIPE_CREDIT and PIPE_CLOSE from the host,
	 * validated and in sequence, on the thread that polls (or waits for a
	 * reply). m->data points into the client's buffer until it returns.
	 */
	void (*pipe_cb)(void *arg, uint16_t type, const struct hostif_pipe *m);
	void *pipe_arg;
};

struct hostif_client;

/* fd: the virtio-serial port (or a socket); the caller keeps owning it. */
int hostif_client_new(int fd, const struct hostif_client_cfg *cfg,
		      struct hostif_client **out);
void hostif_client_free(struct hostif_client *c);

/* HELLO exchange; -HOSTIF_E_REFUSED on no common version. */
int hostif_client_hello(struct hostif_client *c);
void hostif_client_version(const struct hostif_client *c, uint8_t *major,
			   uint8_t *minor);
uint64_t hostif_client_features(const struct hostif_client *c);

/* Event sources the guest owns: only these (device, vector) pairs pass. */
int hostif_client_allow_event(struct hostif_client *c, uint32_t device,
			      uint16_t vector);

/* VMGS block service; lba and count in HOSTIF_SECTOR (512-byte) units. */
int hostif_client_vmgs_info(struct hostif_client *c, uint32_t *sector_size,
			    uint64_t *sectors);
int hostif_client_vmgs_read(struct hostif_client *c, uint64_t lba,
			    uint32_t count, void *buf);
int hostif_client_vmgs_write(struct hostif_client *c, uint64_t lba,
			     uint32_t count, const void *buf);
int hostif_client_vmgs_flush(struct hostif_client *c);

/*
 * One-way text to the host log (needs HOSTIF_F_LOG): at most
 * HOSTIF_LOG_MAX bytes are sent, non-printables become '?'.
 */
int hostif_client_log(struct hostif_client *c, uint8_t level, const char *text);

/* Handles incoming frames (events) for up to timeout_ms. */
int hostif_client_poll(struct hostif_client *c, unsigned timeout_ms);
/* The same, but returns 1 early once wake_fd is readable (not read). */
int hostif_client_poll_wake(struct hostif_client *c, unsigned timeout_ms,
			    int wake_fd);

/*
 * Pipes (needs HOSTIF_F_PIPES, so version 1.1). The host's pipe names as
 * it sent them (a request, retried like VMGS requests; names unchecked).
 */
int hostif_client_pipe_list(struct hostif_client *c,
			    struct hostif_pipe_list *out);
/*
 * One-way PIPE_OPEN, PIPE_DATA (m->data, 1 .. HOSTIF_PIPE_DATA_MAX bytes),
 * PIPE_CREDIT or PIPE_CLOSE (m->arg the reason). Never retried.
 */
int hostif_client_pipe_send(struct hostif_client *c, uint16_t type,
			    const struct hostif_pipe *m);

/*
 * The secure-processor relay (needs HOSTIF_F_SP, so version 1.2; SPEC.md
 * §13). SP_MSG hands one sealed SNP guest request (1 .. HOSTIF_SP_MSG_MAX
 * bytes) to the host and returns the sealed response in rsp (cap bytes).
 * It is sent exactly once: a timeout, a malformed reply or an error status
 * is returned to the caller, never retried (the secure processor may have
 * consumed the request's sequence number). A reply that comes later is
 * stale and dropped. *status (may be NULL) gets the host's status when it
 * answered (HOSTIF_S_SP_DOWN, HOSTIF_S_SP_REFUSED, ...), else 0.
 */
int hostif_client_sp_msg(struct hostif_client *c, const void *req, size_t len,
			 void *rsp, size_t cap, size_t *rsp_len,
			 uint32_t *status);
/* The certificate table (at most HOSTIF_SP_CERTS_MAX bytes), as the host
 * sends it: unauthenticated. Idempotent, so retried like VMGS requests. */
int hostif_client_sp_certs(struct hostif_client *c, void *buf, size_t cap,
			   size_t *len, uint32_t *status);

const struct hostif_counters *
hostif_client_counters(const struct hostif_client *c);
/*
 * One line for the paravisor log: "hostif: ok=N skipped=N crc=N ...".
 * Returns what snprintf returns.
 */
int hostif_counters_format(const struct hostif_counters *k, char *buf,
			   size_t len);

#endif /* HOSTIF_CLIENT_H */
