// SPDX-License-Identifier: MIT
/* The QEMU command line of the paravisor VM, and the L0 checks before it. */
#define _GNU_SOURCE
#include "qemu.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int qemu_find(char *path, size_t size)
{
	const char *p = getenv("PATH");

	if (!p || !*p)
		p = "/usr/local/bin:/usr/bin:/bin";
	while (*p) {
		const char *end = strchr(p, ':');
		size_t n = end ? (size_t)(end - p) : strlen(p);
		int w = snprintf(path, size, "%.*s/%s", (int)n, n ? p : ".",
				 QEMU_BIN);

		if (!n)
			w = snprintf(path, size, "./%s", QEMU_BIN);
		if (w > 0 && (size_t)w < size && access(path, X_OK) == 0)
			return 0;
		if (!end)
			break;
		p = end + 1;
	}
	return -1;
}

int cpuinfo_has_virt(const char *cpuinfo)
{
	const char *line = cpuinfo;

	while (line && *line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);

		if (n > 5 && !strncmp(line, "flags", 5)) {
			/* whole words only: " svm" followed by space or EOL */
			for (size_t i = 0; i + 4 <= n; i++) {
				if (line[i] != ' ')
					continue;
				if ((!strncmp(line + i + 1, "svm", 3) ||
				     !strncmp(line + i + 1, "vmx", 3)) &&
				    (i + 4 == n || line[i + 4] == ' '))
					return 0;
			}
		}
		line = end ? end + 1 : NULL;
	}
	return -1;
}

static int add(struct qemu_cmd *q, const char *arg)
{
	if (q->argc >= QEMU_MAX_ARGS)
		return -1;
	q->argv[q->argc++] = (char *)arg;
	q->argv[q->argc] = NULL;
	return 0;
}

__attribute__((format(printf, 2, 3))) static int addf(struct qemu_cmd *q,
						      const char *fmt, ...)
{
	va_list ap;
	int n;

	if (q->nstrs >= (int)(sizeof(q->strs) / sizeof(q->strs[0])))
		return -1;
	va_start(ap, fmt);
	n = vsnprintf(q->strs[q->nstrs], sizeof(q->strs[0]), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(q->strs[0]))
		return -1;
	return add(q, q->strs[q->nstrs++]);
}

/* QEMU splits -chardev/-drive values at commas; a path with one would be
 * misread, so refuse it. */
static int comma_free(const char *s)
{
	return !strchr(s, ',');
}

int qemu_build(struct qemu_cmd *q, const struct qemu_paths *p,
	       const struct pv_config *c, enum mantle_accel accel)
{
	int e = 0;

	memset(q, 0, sizeof(*q));
	if (!comma_free(p->log) || !comma_free(p->payload) ||
	    !comma_free(p->console_sock) || !comma_free(p->status_file) ||
	    !comma_free(p->control_sock)) {
		fprintf(stderr, "mantle: paths handed to QEMU must not "
				"contain ','\n");
		return -1;
	}
	e |= add(q, p->qemu);
	e |= add(q, "-accel");
	e |= add(q, accel == ACCEL_KVM ? "kvm" : "tcg");
	e |= add(q, "-cpu");
	e |= add(q, accel == ACCEL_KVM ? "host" : "max");
	e |= add(q, "-M");
	e |= add(q, "q35");
	e |= add(q, "-m");
	e |= addf(q, "%lluM",
		  (unsigned long long)(c->mem_bytes / (1024 * 1024)));
	e |= add(q, "-smp");
	e |= addf(q, "%u", c->vcpus);
	e |= add(q, "-display");
	e |= add(q, "none");
	e |= add(q, "-monitor");
	e |= add(q, "none");
	e |= add(q, "-no-reboot");
	e |= add(q, "-nodefaults");
	e |= add(q, "-kernel");
	e |= add(q, p->pv_kernel);
	e |= add(q, "-initrd");
	e |= add(q, p->pv_initrd);
	e |= add(q, "-append");
	e |= add(q, PV_CMDLINE);
	e |= add(q, "-chardev");
	e |= addf(q, "file,id=pvlog,path=%s,append=on", p->log);
	e |= add(q, "-serial");
	e |= add(q, "chardev:pvlog");
	e |= add(q, "-drive");
	e |= addf(q, "file=%s,if=virtio,format=raw,readonly=on", p->payload);
	e |= add(q, "-device");
	e |= add(q, "virtio-serial-pci");
	e |= add(q, "-chardev");
	e |= addf(q, "socket,id=gcon,path=%s", p->console_sock);
	e |= add(q, "-device");
	e |= add(q, "virtserialport,chardev=gcon,name=mantle.console");
	e |= add(q, "-chardev");
	e |= addf(q, "file,id=gstat,path=%s", p->status_file);
	e |= add(q, "-device");
	e |= add(q, "virtserialport,chardev=gstat,name=mantle.status");
	/* The control channel (hostif): mantle's services listen on it. */
	e |= add(q, "-chardev");
	e |= addf(q, "socket,id=gctl,path=%s", p->control_sock);
	e |= add(q, "-device");
	e |= add(q, "virtserialport,chardev=gctl,name=mantle.control");
	if (e) {
		fprintf(stderr, "mantle: QEMU command line too long\n");
		return -1;
	}
	return 0;
}
