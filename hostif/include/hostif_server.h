/* SPDX-License-Identifier: MIT */
/*
 * Host side (untrusted from the paravisor's view) of the control channel:
 * the VMGS block service over a fixed-VHD1 file, EVENT sending, LOG
 * receiving, and optional hostile mode. The paravisor's frames are
 * validated here too: a compromised paravisor must not crash the host.
 */
#ifndef HOSTIF_SERVER_H
#define HOSTIF_SERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hostif_hostile.h"
#include "mantle_hostif.h"

/* VMGS_DEFAULT_CAPACITY data bytes plus the 512-byte VHD footer. */
#define HOSTIF_VMGS_DEFAULT_FILE_SIZE 4194816ull

/* The VMGS file: only its data part (the file minus its footer) is served. */
struct hostif_store;

/*
 * Opens path (a fixed-VHD1 file); a missing file is created as a fixed
 * VHD1 of HOSTIF_VMGS_DEFAULT_FILE_SIZE bytes with an all-zero data part.
 * On error returns -1 with a one-line reason in err.
 */
int hostif_store_open(const char *path, struct hostif_store **out, char *err,
		      size_t errlen);
uint64_t hostif_store_sectors(const struct hostif_store *st);
void hostif_store_close(struct hostif_store *st);

struct hostif_server_counters {
	uint64_t frames_ok, frames_bad, requests_refused;
	uint64_t reads, writes, flushes, logs, events_sent;
	/* Pipes (1.1): opens asked, connects refused, ends, stream errors
	 * (bad offset or credit from the pv), late frames of ended opens,
	 * bytes pv -> socket and socket -> pv. */
	uint64_t pipe_opens, pipe_refused, pipe_closes, pipe_stream_errors;
	uint64_t pipe_stale, pipe_bytes_in, pipe_bytes_out;
	/* The secure-processor relay (1.2): messages and certificate
	 * requests relayed, and those answered with an error status. */
	uint64_t sp_msgs, sp_certs, sp_errors;
};

/* One pipe the host offers (mantle run --pipe NAME=SOCKET). */
struct hostif_server_pipe {
	const char *name; /* 1..15 of [a-z0-9_-] (hostif_pipe_name_check) */
	const char *path; /* a listening Unix socket, connected on open */
};

struct hostif_server_cfg {
	struct hostif_hello range; /* min_major 0 = 1.0 .. 1.1 */
	uint64_t features; /* offered HOSTIF_F_* */
	struct hostif_hostile *hostile; /* NULL: behave */
	uint32_t storm_device; /* what a storm sends (a real source) */
	uint16_t storm_vector;
	/* LOG text, already validated printable, NUL-terminated. */
	void (*log_cb)(void *arg, unsigned level, const char *text);
	void *log_arg;
	/* Pipes (with HOSTIF_F_PIPES): at most HOSTIF_PIPE_MAX, names valid
	 * and unique (else hostif_server_new fails with -HOSTIF_E_INVAL). */
	const struct hostif_server_pipe *pipes;
	unsigned npipes;
	/*
	 * The secure-processor relay (with HOSTIF_F_SP, SPEC.md §13): the
	 * host hands SP_MSG's sealed request to sp_msg and SP_CERTS to
	 * sp_certs. Each returns a HOSTIF_S_* status and, with OK, the
	 * answer in out[0, *len) (1 .. cap bytes). NULL: HOSTIF_S_SP_DOWN.
	 * The host only ever sees ciphertext (and public certificates).
	 */
	int (*sp_msg)(void *arg, const uint8_t *req, size_t len, uint8_t *out,
		      size_t cap, size_t *out_len);
	int (*sp_certs)(void *arg, uint8_t *out, size_t cap, size_t *out_len);
	void *sp_arg;
	/* What happened to a pipe (connect failed, ended), one line. */
	void (*note_cb)(void *arg, const char *text);
	void *note_arg;
};

struct hostif_server;

/* fd: the host end of the virtio-serial port; store may be NULL. */
int hostif_server_new(int fd, struct hostif_store *store,
		      const struct hostif_server_cfg *cfg,
		      struct hostif_server **out);
void hostif_server_free(struct hostif_server *s);
/*
 * One step for an event loop: reads what is available on fd (waiting up to
 * timeout_ms) and answers every complete request. 0, or -HOSTIF_E_CLOSED
 * once the paravisor closed its end, or another -HOSTIF_E_*.
 */
int hostif_server_step(struct hostif_server *s, int timeout_ms);
/*
 * At the end (the paravisor VM is gone or going): serves what the channel
 * still holds until it closes or timeout_ms pass, then writes what the
 * pipes' buffers hold to their sockets (within the same time) and closes
 * them, so bytes the guest wrote before its end reach the sockets.
 */
int hostif_server_drain(struct hostif_server *s, int timeout_ms);
/* Serves until the paravisor closes the channel (returns 0, after a drain
 * of at most HOSTIF_RUN_DRAIN_MS) or an error. */
#define HOSTIF_RUN_DRAIN_MS 3000
int hostif_server_run(struct hostif_server *s);
int hostif_server_send_event(struct hostif_server *s, uint32_t device,
			     uint16_t vector);
/* Sends the hostile spec's storm now (also sent after each HELLO and each
 * PIPE_OPEN); the launcher calls it again once the guest is running. */
int hostif_server_storm(struct hostif_server *s);
const struct hostif_server_counters *
hostif_server_counters(const struct hostif_server *s);

#endif /* HOSTIF_SERVER_H */
