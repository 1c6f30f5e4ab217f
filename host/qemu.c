// SPDX-License-Identifier: MIT
/* The QEMU command line of the paravisor VM, and the L0 checks before it. */
#define _GNU_SOURCE
#include "qemu.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "log.h"

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

int qemu_check_kvm(void)
{
	uint8_t *buf;
	size_t len;
	int ok;

	if (access("/dev/kvm", R_OK | W_OK)) {
		mantle_err("--accel kvm: /dev/kvm: %s; use --accel tcg\n",
			   strerror(errno));
		return -1;
	}
	/* /proc files report size 0: read through stdio instead. */
	FILE *f = fopen("/proc/cpuinfo", "re");
	if (!f) {
		mantle_err("/proc/cpuinfo: %s\n", strerror(errno));
		return -1;
	}
	buf = malloc(1 << 16);
	len = buf ? fread(buf, 1, (1 << 16) - 1, f) : 0;
	fclose(f);
	if (!buf)
		return -1;
	buf[len] = '\0';
	ok = cpuinfo_has_virt((const char *)buf) == 0;
	free(buf);
	if (!ok) {
		mantle_err("--accel kvm: this L0 CPU has no SVM or VMX (no "
			   "svm/vmx in /proc/cpuinfo), so KVM inside the "
			   "paravisor VM could not run the guest; use --accel "
			   "tcg\n");
		return -1;
	}
	return 0;
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
static int paths_comma_free(const struct qemu_paths *p)
{
	const char *const paths[] = { p->log, p->payload, p->console_sock,
				      p->status_file, p->control_sock };

	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++)
		if (strchr(paths[i], ','))
			return 0;
	return 1;
}

/* The machine: accelerator, CPU model, memory, vCPUs, no display. */
static int add_machine(struct qemu_cmd *q, const struct pv_config *c,
		       enum mantle_accel accel)
{
	static const char *const fixed[] = { "-display",   "none",
					     "-monitor",   "none",
					     "-no-reboot", "-nodefaults" };
	int kvm = accel == ACCEL_KVM, e = 0;

	e |= add(q, "-accel");
	e |= add(q, kvm ? "kvm" : "tcg");
	e |= add(q, "-cpu");
	e |= add(q, kvm ? "host" : "max");
	e |= add(q, "-M");
	e |= add(q, "q35");
	e |= add(q, "-m");
	e |= addf(q, "%lluM",
		  (unsigned long long)(c->mem_bytes / (1024 * 1024)));
	e |= add(q, "-smp");
	e |= addf(q, "%u", c->vcpus);
	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++)
		e |= add(q, fixed[i]);
	return e;
}

/* The paravisor VM image, its serial console to the log, the payload disk. */
static int add_boot(struct qemu_cmd *q, const struct qemu_paths *p,
		    const struct pv_config *c)
{
	int e = 0;

	e |= add(q, "-kernel");
	e |= add(q, p->pv_kernel);
	e |= add(q, "-initrd");
	e |= add(q, p->pv_initrd);
	e |= add(q, "-append");
	e |= add(q, pv_cmdline(c));
	e |= add(q, "-chardev");
	e |= addf(q, "file,id=pvlog,path=%s,append=on", p->log);
	e |= add(q, "-serial");
	e |= add(q, "chardev:pvlog");
	e |= add(q, "-drive");
	e |= addf(q, "file=%s,if=virtio,format=raw,readonly=on", p->payload);
	return e;
}

/* The virtio-serial ports the paravisor VM's /init looks for by name. */
static int add_ports(struct qemu_cmd *q, const struct qemu_paths *p)
{
	const struct {
		const char *chardev; /* backend and id; ",path=" follows */
		const char *path;
		const char *device;
	} ports[] = {
		{ "socket,id=gcon", p->console_sock,
		  "virtserialport,chardev=gcon,name=mantle.console" },
		{ "file,id=gstat", p->status_file,
		  "virtserialport,chardev=gstat,name=mantle.status" },
		/* The control channel (hostif): mantle's services listen. */
		{ "socket,id=gctl", p->control_sock,
		  "virtserialport,chardev=gctl,name=mantle.control" },
	};
	int e = 0;

	e |= add(q, "-device");
	e |= add(q, "virtio-serial-pci");
	for (size_t i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		e |= add(q, "-chardev");
		e |= addf(q, "%s,path=%s", ports[i].chardev, ports[i].path);
		e |= add(q, "-device");
		e |= add(q, ports[i].device);
	}
	return e;
}

int qemu_build(struct qemu_cmd *q, const struct qemu_paths *p,
	       const struct pv_config *c, enum mantle_accel accel)
{
	int e;

	memset(q, 0, sizeof(*q));
	if (!paths_comma_free(p) ||
	    (p->snp_secrets && strchr(p->snp_secrets, ','))) {
		mantle_err("paths handed to QEMU must not contain ','\n");
		return -1;
	}
	/* In this order: the argv is built front to back. */
	e = add(q, p->qemu);
	e |= add_machine(q, c, accel);
	e |= add_boot(q, p, c);
	e |= add_ports(q, p);
	if (p->snp_secrets) {
		e |= add(q, "-fw_cfg");
		e |= addf(q, "name=opt/mantle/snp-secrets,file=%s",
			  p->snp_secrets);
	}
	if (e) {
		mantle_err("QEMU command line too long\n");
		return -1;
	}
	return 0;
}
