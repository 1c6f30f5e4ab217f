// SPDX-License-Identifier: MIT
/* Scans the paravisor VM's console (the --log file) for kernel failures. */
#define _GNU_SOURCE
#include "pvwatch.h"

#include <ctype.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

/* What the Linux kernel prints when it, not a process, went wrong. Kernel
 * warnings (WARNING: CPU) are left out: they do not stop the paravisor. */
static const char *const failure_marks[] = {
	"Oops:",
	"BUG:",
	"kernel BUG at",
	"Kernel panic",
	"general protection fault",
	"Unable to handle",
	"detected stall", /* rcu: INFO: rcu_preempt detected stalls */
	"self-detected stall",
	"soft lockup",
	"hard LOCKUP",
};

/* The text after the "[ seconds.micro] " printk timestamp, or NULL if the
 * line does not start with one (mantle's and mantle-paravisor's own lines,
 * and QEMU's, never do). */
static const char *kernel_text(const char *line)
{
	const char *p = line;

	if (*p++ != '[')
		return NULL;
	while (*p == ' ')
		p++;
	if (!isdigit((unsigned char)*p))
		return NULL;
	while (isdigit((unsigned char)*p) || *p == '.')
		p++;
	if (*p++ != ']')
		return NULL;
	return p;
}

int pvwatch_is_failure(const char *line)
{
	const char *text = kernel_text(line);

	if (!text)
		return 0;
	for (size_t i = 0; i < sizeof(failure_marks) / sizeof(*failure_marks);
	     i++)
		if (strstr(text, failure_marks[i]))
			return 1;
	return 0;
}

int pvwatch_open(struct pvwatch *w, const char *path)
{
	memset(w, 0, sizeof(*w));
	w->fd = open(path, O_RDONLY | O_CLOEXEC);
	if (w->fd < 0)
		return -1;
	w->off = lseek(w->fd, 0, SEEK_END);
	if (w->off < 0)
		w->off = 0;
	return 0;
}

/* One complete line: check it. Over-long lines were cut to the first
 * PVWATCH_LINE_MAX bytes, which hold the timestamp and the message. */
static void end_line(struct pvwatch *w)
{
	w->line[w->len] = '\0';
	if (!w->failed && pvwatch_is_failure(w->line)) {
		w->failed = 1;
		memcpy(w->first, w->line, w->len + 1);
	}
	w->len = 0;
}

int pvwatch_poll(struct pvwatch *w)
{
	char buf[4096];
	ssize_t n;

	if (w->fd < 0)
		return w->failed;
	while ((n = pread(w->fd, buf, sizeof(buf), w->off)) > 0) {
		w->off += n;
		for (ssize_t i = 0; i < n; i++) {
			if (buf[i] == '\n')
				end_line(w);
			else if (buf[i] != '\r' && w->len < PVWATCH_LINE_MAX)
				w->line[w->len++] = buf[i];
		}
	}
	return w->failed;
}

int pvwatch_finish(struct pvwatch *w)
{
	pvwatch_poll(w);
	if (w->len)
		end_line(w);
	return w->failed;
}

void pvwatch_close(struct pvwatch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}
