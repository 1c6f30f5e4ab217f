/* SPDX-License-Identifier: MIT */
/*
 * Privilege drop of mantle-paravisor (paravisor/vmm/README.md, "Privilege
 * drop"): inherited fds closed at start, then once the first boot is set up
 * no-new-privileges and a seccomp allowlist (libseccomp) that kills the
 * whole process on any other system call.
 */
#ifndef MANTLE_VMM_GUARD_H
#define MANTLE_VMM_GUARD_H

#include <stddef.h>

/* Close every inherited fd above 2 and point stdin at /dev/null; call first
 * thing in main, before anything is opened. */
int guard_close_inherited(char *err, size_t errlen);

/* One malloc arena for every thread. glibc trims a thread's own arena only
 * after reading /proc/sys/vm/overcommit_memory (once per process, on the
 * first trim), an openat the allowlist kills: libtpms, running in a vCPU
 * thread, freed enough to trigger it once in five tpm_tools.sh boots. The
 * main arena trims with brk. Call first thing in main, before any thread
 * exists. */
void guard_one_arena(void);

/* Log the fds kept, set no-new-privileges, install the allowlist in every
 * thread. (The test build's --test-forbidden-syscall then tries a forbidden
 * call: test_hooks.h.) */
int guard_drop(char *err, size_t errlen);

/* vmm_opts.after_setup: keeps what memstat needs, then guard_drop(); arg is
 * not used. */
int guard_after_setup(void *arg);

#endif
