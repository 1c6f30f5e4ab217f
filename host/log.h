/* SPDX-License-Identifier: MIT */
/*
 * The launcher's one logging helper: every line `mantle` writes about itself
 * starts with "mantle: " (tests and users grep for it), to stderr or, during a
 * run, to the --log file.
 */
#ifndef MANTLE_HOST_LOG_H
#define MANTLE_HOST_LOG_H

/* "mantle: <fmt>" on stderr; fmt ends with its own "\n". */
void mantle_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "mantle <cmd>: <fmt>" on stderr, for a command's own usage errors. */
void mantle_cmd_err(const char *cmd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * "mantle: <fmt>" to the log file fd in one write(2), so that with O_APPEND
 * a line never interleaves with the paravisor VM console QEMU appends to the
 * same file. A line longer than MANTLE_LOG_LINE bytes is cut, still ending
 * in "\n".
 */
#define MANTLE_LOG_LINE 1400
void mantle_log(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
