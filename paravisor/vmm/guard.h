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

/* Log the fds kept, set no-new-privileges, install the allowlist in every
 * thread. With test_forbidden set, then try a forbidden call (openat) to
 * show it kills the process; returns -1 if it came back. */
int guard_drop(int test_forbidden, char *err, size_t errlen);

/* vmm_opts.after_setup: keeps what memstat needs, then guard_drop(); arg
 * points to an int, non-zero for the forbidden-syscall test. */
int guard_after_setup(void *arg);

#endif
