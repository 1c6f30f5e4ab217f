/* SPDX-License-Identifier: MIT */
/* Options of `mantle run` and `mantle measure`: parsing and validation. */
#ifndef MANTLE_HOST_OPTS_H
#define MANTLE_HOST_OPTS_H

#include <stdint.h>

#define MANTLE_MIB (1024ULL * 1024)
#define MANTLE_MIN_MEM (64 * MANTLE_MIB)
#define MANTLE_MAX_MEM (16 * 1024 * MANTLE_MIB)
#define MANTLE_MAX_CPUS 8
#define MANTLE_MAX_PV_CPUS 4 /* --pv-cpus */
/* --stall-timeout bounds, seconds (mantle-paravisor takes up to 86400). */
#define MANTLE_MIN_STALL_S 10
#define MANTLE_MAX_STALL_S 86400
#define MANTLE_MAX_CMDLINE 4095
#define MANTLE_MAX_TIMEOUT 86400
#define MANTLE_DEFAULT_MEM (256 * MANTLE_MIB)
#define MANTLE_DEFAULT_CMDLINE "console=ttyS0"
#define MANTLE_DEFAULT_LOG "mantle-run.log"
#define MANTLE_MAX_HOSTILE 1024 /* --hostile SPEC bytes */
#define MANTLE_MAX_PIPES 16 /* --pipe, as hostif's HOSTIF_PIPE_MAX */
#define MANTLE_PIPE_NAME_MAX 15
#define MANTLE_PIPE_PATH_MAX 107 /* a Unix socket path (sun_path - 1) */

/* --pipe NAME=SOCKET: the guest's pipe NAME relayed to the Unix socket. */
struct mantle_pipe {
	char name[MANTLE_PIPE_NAME_MAX + 1];
	const char *path;
};

enum mantle_accel { ACCEL_TCG, ACCEL_KVM };

/* --tpm: the guest's vTPM interface (the default first). */
enum mantle_tpm {
	MANTLE_TPM_CRB = 0,
	MANTLE_TPM_TIS,
	MANTLE_TPM_NONE,
	MANTLE_TPM_KINDS
};

struct mantle_opts {
	const char *kernel;
	const char *initrd; /* NULL: no initrd */
	const char *cmdline;
	unsigned int cpus;
	uint64_t mem_bytes;
	unsigned int timeout_s; /* 0: none */
	enum mantle_accel accel;
	unsigned int pv_cpus; /* 0: by accel (host/launch.h) */
	const char *log;
	const char *pv_image; /* NULL: next to the mantle binary */
	const char *vmgs; /* NULL: no VMGS served */
	int vmgs_key_measurement; /* --vmgs-key-policy measurement */
	int vmgs_reprovision; /* --vmgs-reprovision */
	enum mantle_tpm tpm; /* --tpm (default: crb) */
	unsigned int stall_timeout_s; /* --stall-timeout; 0: the default */
	const char *hostile; /* NULL: the host behaves (grammar: usage) */
	const char *sp_state; /* NULL: the default state directory (sp.h) */
	struct mantle_pipe pipes[MANTLE_MAX_PIPES];
	unsigned int npipes;
	int pcrs; /* --pcrs (mantle measure): expected PCR values */
	const char *event_log; /* --event-log FILE (mantle measure) */
	int help;
};

/*
 * "512M", "1G", "65536K", "268435456B"; a plain number is MiB (as QEMU's -m).
 * Binary units. 0 or -1 (syntax, overflow) with *out untouched on error.
 */
int parse_size(const char *s, uint64_t *out);
/* Decimal, no sign, no spaces, within [min, max]. 0 or -1. */
int parse_uint(const char *s, unsigned int min, unsigned int max,
	       unsigned int *out);

/*
 * Parse argv (argv[0] is the subcommand name) into o, after filling the
 * defaults. Prints a clear message to stderr and returns -1 on a bad option;
 * 0 otherwise (also for --help, with o->help set). Checks the ranges of
 * PAYLOAD.md, not the files.
 */
int opts_parse(int argc, char **argv, struct mantle_opts *o);

#endif
