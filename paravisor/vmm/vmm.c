// SPDX-License-Identifier: MIT
/*
 * One boot of the guest: read the payload (hostile) once into private
 * memory, measure each piece as loaded, build the machine, run its vCPUs
 * until the guest powers off, resets or fails. Reboot = tear down, build
 * again from the payload disk (and measure again, as a TPM reset would).
 */
#include "vmm.h"
#include "acpi.h"
#include "bzimage.h"
#include "devices.h"
#include "e820.h"
#include "host.h"
#include "hostnotify.h"
#include "iobus.h"
#include "log.h"
#include "memstat.h"
#include "payload.h"

#include "mantle_discovery.h"
#include "measure.h"

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define MAX_CPUS PAYLOAD_MAX_CPUS
#define KICK_SIGNAL SIGUSR1
#define TRACE_LEN 32

enum outcome {
	RUNNING = 0,
	OUT_POWEROFF,
	OUT_RESET,
	OUT_CRASH,
	OUT_ERROR,
	OUT_SIGNAL,
};

struct stats {
	uint64_t io, mmio, hlt, unknown;
};

struct machine {
	const struct platform_ops *ops;
	struct host *host;
	struct payload_info pay;
	uint8_t *ram;
	size_t ram_size;
	struct mem_split split;
	struct pvm *pvm;
	struct pvcpu *vcpu[MAX_CPUS];
	pthread_t thread[MAX_CPUS];
	int started[MAX_CPUS];
	pthread_mutex_t lock; /* outcome, started[] */
	int outcome;
	int event_fd; /* wakes the main thread when outcome is set */
	struct iobus bus;
	struct serial serial;
	struct pm pm;
	struct stats stats;
	uint64_t unclaimed_io;
	unsigned int unclaimed_logged;
	/* The last port accesses, shown when a hung guest is stopped. */
	struct {
		uint16_t port;
		uint8_t size, is_write;
		uint32_t value;
	} trace[TRACE_LEN];
	unsigned int trace_next;
	struct measure_log mlog;
	struct boot_regs regs;
	int (*after_setup)(void *arg);
	void *after_setup_arg;
	struct hostnotify *notify;
};

struct vcpu_arg {
	struct machine *m;
	unsigned int id;
};

static void kick_handler(int sig)
{
	(void)sig; /* only interrupts KVM_RUN */
}

/* First outcome wins; stop every vCPU and wake the main thread. */
static void machine_stop(struct machine *m, int outcome)
{
	uint64_t one = 1;

	pthread_mutex_lock(&m->lock);
	if (m->outcome != RUNNING) {
		pthread_mutex_unlock(&m->lock);
		return;
	}
	__atomic_store_n(&m->outcome, outcome, __ATOMIC_RELEASE);
	for (unsigned int i = 0; i < m->pay.cpus; i++) {
		if (!m->vcpu[i])
			continue;
		m->ops->vcpu_stop(m->vcpu[i]);
		if (m->started[i])
			pthread_kill(m->thread[i], KICK_SIGNAL);
	}
	pthread_mutex_unlock(&m->lock);
	if (write(m->event_fd, &one, sizeof(one)) < 0)
		pv_log("cannot wake the main thread: %s", strerror(errno));
}

static int machine_outcome(struct machine *m)
{
	return __atomic_load_n(&m->outcome, __ATOMIC_ACQUIRE);
}

static void pm_request(void *ctx, enum pm_request req)
{
	struct machine *m = ctx;

	machine_stop(m, req == PM_POWEROFF ? OUT_POWEROFF : OUT_RESET);
}

static int irq_line(void *ctx, unsigned int gsi, int level)
{
	struct machine *m = ctx;

	return m->ops->irq_line(m->pvm, gsi, level);
}

static void count(uint64_t *c)
{
	__atomic_add_fetch(c, 1, __ATOMIC_RELAXED);
}

/* The first few accesses to ports nobody emulates, for diagnosis; the
 * rest are only counted. */
#define UNCLAIMED_LOGGED 16
static void log_unclaimed(struct machine *m, const struct vmexit *e,
			  const uint8_t *d)
{
	uint32_t v = 0;

	if (__atomic_fetch_add(&m->unclaimed_logged, 1, __ATOMIC_RELAXED) >=
	    UNCLAIMED_LOGGED)
		return;
	for (unsigned int i = 0; i < e->size && i < 4; i++)
		v |= (uint32_t)d[i] << (8 * i);
	pv_log("unclaimed port %s 0x%x size %u value 0x%x",
	       e->is_write ? "write" : "read", e->port, e->size,
	       e->is_write ? v : 0xFFFFFFFFu);
}

static void trace_io(struct machine *m, const struct vmexit *e,
		     const uint8_t *d)
{
	unsigned int i =
		__atomic_fetch_add(&m->trace_next, 1, __ATOMIC_RELAXED) %
		TRACE_LEN;
	uint32_t v = 0;

	for (unsigned int b = 0; b < e->size && b < 4; b++)
		v |= (uint32_t)d[b] << (8 * b);
	m->trace[i].port = e->port;
	m->trace[i].size = e->size;
	m->trace[i].is_write = e->is_write;
	m->trace[i].value = v;
}

static void log_trace(struct machine *m)
{
	unsigned int n = m->trace_next < TRACE_LEN ? m->trace_next : TRACE_LEN;

	pv_log("last %u port accesses, oldest first:", n);
	for (unsigned int k = 0; k < n; k++) {
		unsigned int i = (m->trace_next - n + k) % TRACE_LEN;

		pv_log("  %s 0x%x size %u value 0x%x",
		       m->trace[i].is_write ? "out" : "in", m->trace[i].port,
		       m->trace[i].size, m->trace[i].value);
	}
}

static void *vcpu_thread(void *p)
{
	struct vcpu_arg *a = p;
	struct machine *m = a->m;
	struct pvcpu *v = m->vcpu[a->id];
	struct vmexit e;

	while (machine_outcome(m) == RUNNING) {
		if (m->ops->vcpu_run(v, &e) < 0) {
			pv_log("vCPU %u: run failed: %s", a->id,
			       strerror(errno));
			machine_stop(m, OUT_ERROR);
			break;
		}
		switch (e.kind) {
		case VMEXIT_RETRY:
			break;
		case VMEXIT_IO:
			count(&m->stats.io);
			for (uint32_t i = 0; i < e.count; i++) {
				uint8_t *d = e.data + (size_t)i * e.size;

				if (iobus_access(&m->bus, e.port, e.is_write, d,
						 e.size) < 0)
					log_unclaimed(m, &e, d);
				trace_io(m, &e, d);
			}
			break;
		case VMEXIT_MMIO:
			/* No MMIO device: reads float high, writes drop. */
			if (__atomic_fetch_add(&m->stats.mmio, 1,
					       __ATOMIC_RELAXED) <
			    UNCLAIMED_LOGGED)
				pv_log("unclaimed MMIO %s 0x%llx size %u",
				       e.is_write ? "write" : "read",
				       (unsigned long long)e.addr, e.len);
			if (!e.is_write)
				memset(e.data, 0xFF, e.len);
			break;
		case VMEXIT_HLT:
			count(&m->stats.hlt);
			break;
		case VMEXIT_SHUTDOWN:
			pv_log("guest crash: triple fault (shutdown) on vCPU %u",
			       a->id);
			m->ops->vcpu_dump(v, stderr);
			machine_stop(m, OUT_CRASH);
			break;
		case VMEXIT_SYSTEM_RESET:
			machine_stop(m, OUT_RESET);
			break;
		case VMEXIT_SYSTEM_OFF:
			machine_stop(m, OUT_POWEROFF);
			break;
		case VMEXIT_FAIL:
			pv_log("vCPU %u: entry failure/internal error (exit %u, "
			       "detail 0x%llx)",
			       a->id, e.reason, (unsigned long long)e.detail);
			m->ops->vcpu_dump(v, stderr);
			machine_stop(m, OUT_ERROR);
			break;
		case VMEXIT_UNKNOWN:
			count(&m->stats.unknown);
			pv_log("vCPU %u: unknown exit reason %u (detail %llu)",
			       a->id, e.reason, (unsigned long long)e.detail);
			m->ops->vcpu_dump(v, stderr);
			machine_stop(m, OUT_ERROR);
			break;
		}
	}
	return NULL;
}

/* Read a piece of the payload into dst; a clear message on failure. */
static int read_piece(struct machine *m, const char *name,
		      const struct payload_piece *p, void *dst)
{
	if (p->size && host_payload_read(m->host, p->off, dst, p->size) < 0) {
		pv_log("cannot read the %s from the payload disk", name);
		return -1;
	}
	return 0;
}

static int measure(struct machine *m, uint32_t type, const void *data,
		   size_t len)
{
	if (measure_log_add(&m->mlog, type, data, len) < 0) {
		pv_log("measurement of the %s failed",
		       measure_event_name(type));
		return -1;
	}
	return 0;
}

/* Load kernel, initrd, command line, ACPI tables and the e820 map (in
 * boot_params) into guest RAM, measuring each. */
static int load_payload(struct machine *m)
{
	const struct payload_info *p = &m->pay;
	struct acpi_config acfg = { p->cpus, p->mem_bytes, ACPI_DEV_COM1 };
	struct bzimage_info bz;
	struct boot_plan plan;
	char cmdline[PAYLOAD_MAX_CMDLINE + 1];
	char err[256];
	size_t acpi_len;
	uint8_t *img;
	int rc = -1;

	measure_log_init(&m->mlog);
	/* The kernel only passes through here; mmap so that it goes back to
	 * the system at once (the Pss budget). */
	img = mmap(NULL, p->kernel.size, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (img == MAP_FAILED) {
		pv_log("cannot allocate %llu bytes for the kernel",
		       (unsigned long long)p->kernel.size);
		return -1;
	}
	if (read_piece(m, "kernel", &p->kernel, img) < 0)
		goto out;
	if (bzimage_parse(img, p->kernel.size, &bz, err, sizeof(err)) < 0) {
		pv_log("kernel: %s", err);
		goto out;
	}
	if (measure(m, MEASURE_EV_KERNEL, img, p->kernel.size) < 0)
		goto out;
	if (boot_plan(&bz, m->split.low_end, p->initrd.size, p->cmdline.size,
		      &plan, err, sizeof(err)) < 0) {
		pv_log("%s", err);
		goto out;
	}
	if (read_piece(m, "initrd", &p->initrd, m->ram + plan.initrd_gpa) < 0 ||
	    measure(m, MEASURE_EV_INITRD, m->ram + plan.initrd_gpa,
		    p->initrd.size) < 0)
		goto out;
	if (read_piece(m, "command line", &p->cmdline, cmdline) < 0)
		goto out;
	if (memchr(cmdline, 0, p->cmdline.size)) {
		pv_log("payload: the command line contains a NUL byte");
		goto out;
	}
	cmdline[p->cmdline.size] = 0;
	if (measure(m, MEASURE_EV_CMDLINE, cmdline, p->cmdline.size) < 0)
		goto out;
	if (acpi_build(&acfg, m->ram + ACPI_TABLES_GPA, ACPI_TABLES_MAX,
		       &acpi_len) < 0) {
		pv_log("cannot build the ACPI tables");
		goto out;
	}
	if (measure(m, MEASURE_EV_ACPI, m->ram + ACPI_TABLES_GPA, acpi_len) < 0)
		goto out;
	if (boot_write(m->ram, m->split.low_end, p->mem_bytes, &bz, img, &plan,
		       cmdline, p->cmdline.size, ACPI_TABLES_GPA) < 0) {
		pv_log("cannot write the boot structures");
		goto out;
	}
	/* The memory map exactly as boot_params now holds it. */
	if (measure(m, MEASURE_EV_E820,
		    m->ram + BOOT_PARAMS_GPA + BP_E820_TABLE,
		    (size_t)m->ram[BOOT_PARAMS_GPA + BP_E820_ENTRIES] *
			    E820_ENTRY_BYTES) < 0)
		goto out;
	boot_regs(&plan, &m->regs);
	pv_log("kernel: boot protocol %u.%02u, %zu bytes at 0x%llx, "
	       "entry 0x%llx",
	       bz.version >> 8, bz.version & 0xFF, bz.kernel_size,
	       (unsigned long long)plan.kernel_gpa,
	       (unsigned long long)plan.entry);
	if (p->initrd.size)
		pv_log("initrd: %llu bytes at 0x%llx",
		       (unsigned long long)p->initrd.size,
		       (unsigned long long)plan.initrd_gpa);
	pv_log("cmdline: \"%s\"", cmdline);
	rc = 0;
out:
	munmap(img, p->kernel.size);
	return rc;
}

static void machine_teardown(struct machine *m)
{
	if (m->notify)
		hostnotify_detach(m->notify);
	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		if (m->vcpu[i])
			m->ops->vcpu_destroy(m->vcpu[i]);
		m->vcpu[i] = NULL;
	}
	if (m->pvm)
		m->ops->vm_destroy(m->pvm);
	m->pvm = NULL;
	if (m->ram)
		munmap(m->ram, m->ram_size);
	m->ram = NULL;
	serial_destroy(&m->serial);
	m->unclaimed_io += m->bus.unclaimed;
}

static int machine_build(struct machine *m)
{
	struct vm_setup s;
	struct io_dev devs[3];
	char err[256];

	serial_init(&m->serial, m->host, irq_line, m);
	iobus_init(&m->bus);
	mem_split(m->pay.mem_bytes, &m->split);
	m->ram_size = m->pay.mem_bytes;
	m->ram = mmap(NULL, m->ram_size, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (m->ram == MAP_FAILED) {
		m->ram = NULL;
		pv_log("cannot map %llu MiB of guest RAM: %s",
		       (unsigned long long)(m->ram_size >> 20),
		       strerror(errno));
		return -1;
	}
	/* Huge pages: far fewer nested page faults while the guest touches
	 * its memory (a hint; without THP it changes nothing). */
	madvise(m->ram, m->ram_size, MADV_HUGEPAGE);
	if (load_payload(m) < 0)
		return -1;

	s = (struct vm_setup){
		.cpus = m->pay.cpus,
		.ram = m->ram,
		.low_size = m->split.low_end,
		.high_size = m->split.high_size,
		.mantle_cpuid_base = MTL_CPUID_BLOCK_DEFAULT,
	};
	m->pvm = m->ops->vm_create(&s, err, sizeof(err));
	if (!m->pvm) {
		pv_log("%s", err);
		return -1;
	}
	m->pm = (struct pm){ pm_request, m };
	devs[0] = serial_io_dev(&m->serial);
	devs[1] = pm_io_dev(&m->pm);
	devs[2] = i8042_io_dev(&m->pm);
	for (unsigned int i = 0; i < 3; i++) {
		if (iobus_add(&m->bus, &devs[i]) < 0) {
			pv_log("device %s: port conflict", devs[i].name);
			return -1;
		}
	}
	if (m->notify) {
		struct io_dev hn = hostnotify_io_dev(m->notify);

		if (iobus_add(&m->bus, &hn) < 0) {
			pv_log("device %s: port conflict", hn.name);
			return -1;
		}
		hostnotify_attach(m->notify, irq_line, m);
	}
	for (unsigned int i = 0; i < m->pay.cpus; i++) {
		m->vcpu[i] = m->ops->vcpu_create(m->pvm, i, err, sizeof(err));
		if (!m->vcpu[i]) {
			pv_log("%s", err);
			return -1;
		}
	}
	if (m->ops->vcpu_set_boot_regs(m->vcpu[0], &m->regs) < 0) {
		pv_log("cannot set the boot registers: %s", strerror(errno));
		return -1;
	}
	return 0;
}

/* Wait for an outcome or a termination signal; flush the console now and
 * then so that a line without newline (a prompt) still gets out. */
static void wait_outcome(struct machine *m, int sig_fd)
{
	struct pollfd fds[2] = { { .fd = m->event_fd, .events = POLLIN },
				 { .fd = sig_fd, .events = POLLIN } };

	while (machine_outcome(m) == RUNNING) {
		int r = poll(fds, 2, 200);

		if (r < 0 && errno != EINTR) {
			pv_log("poll: %s", strerror(errno));
			machine_stop(m, OUT_ERROR);
			break;
		}
		if (r > 0 && (fds[0].revents & POLLIN)) {
			uint64_t v;

			/* Drain it, or the next boot's poll never sleeps. */
			if (read(m->event_fd, &v, sizeof(v)) < 0 &&
			    errno != EAGAIN)
				pv_log("eventfd: %s", strerror(errno));
		}
		if (r > 0 && (fds[1].revents & POLLIN)) {
			struct signalfd_siginfo si;

			if (read(sig_fd, &si, sizeof(si)) == sizeof(si))
				pv_log("stopped by signal %u", si.ssi_signo);
			machine_stop(m, OUT_SIGNAL);
		}
		serial_flush(&m->serial);
	}
}

/* Pss of this process with and without guest RAM, while the guest exists. */
static void log_memory(struct machine *m)
{
	uint64_t total, ram;

	if (memstat_pss(m->ram, &total, &ram) < 0) {
		pv_log("memory: cannot read /proc/self/smaps");
		return;
	}
	pv_log("memory: pss=%llu kB guest-ram-pss=%llu kB "
	       "pss-excluding-guest-ram=%llu kB",
	       (unsigned long long)total, (unsigned long long)ram,
	       (unsigned long long)(total - ram));
}

/* One boot; returns the outcome. */
static int boot_once(struct machine *m, int sig_fd, int first)
{
	struct vcpu_arg args[MAX_CPUS];
	unsigned int n = m->pay.cpus;
	uint64_t t0 = pv_uptime_ms();
	int outcome;

	m->outcome = RUNNING;
	m->trace_next = 0;
	memset(m->started, 0, sizeof(m->started));
	if (machine_build(m) < 0) {
		machine_teardown(m);
		return -1;
	}
	if (first)
		measure_log_print(&m->mlog, stderr);
	if (first && m->after_setup && m->after_setup(m->after_setup_arg) < 0) {
		machine_teardown(m);
		return -1;
	}
	pv_log("set-up done in %llu ms (%llu ms since start): %u vCPU(s), "
	       "%llu MiB, platform %s",
	       (unsigned long long)(pv_uptime_ms() - t0),
	       (unsigned long long)pv_uptime_ms(), n,
	       (unsigned long long)(m->pay.mem_bytes >> 20), m->ops->name);
	for (unsigned int i = 0; i < n; i++) {
		args[i] = (struct vcpu_arg){ m, i };
		pthread_mutex_lock(&m->lock);
		if (pthread_create(&m->thread[i], NULL, vcpu_thread,
				   &args[i]) != 0) {
			pthread_mutex_unlock(&m->lock);
			pv_log("cannot start the thread of vCPU %u", i);
			machine_stop(m, OUT_ERROR);
			break;
		}
		m->started[i] = 1;
		pthread_mutex_unlock(&m->lock);
	}
	wait_outcome(m, sig_fd);
	for (unsigned int i = 0; i < n; i++)
		if (m->started[i])
			pthread_join(m->thread[i], NULL);
	outcome = machine_outcome(m);
	/* Stopped from outside: show where a hung guest was. */
	if (outcome == OUT_SIGNAL) {
		for (unsigned int i = 0; i < n; i++)
			m->ops->vcpu_dump(m->vcpu[i], stderr);
		log_trace(m);
	}
	log_memory(m);
	machine_teardown(m);
	return outcome;
}

static int setup_signals(sigset_t *term)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = kick_handler; /* no SA_RESTART: KVM_RUN returns */
	sigemptyset(&sa.sa_mask);
	if (sigaction(KICK_SIGNAL, &sa, NULL) < 0)
		return -1;
	sigemptyset(term);
	sigaddset(term, SIGTERM);
	sigaddset(term, SIGINT);
	sigaddset(term, SIGHUP);
	/* Blocked in every thread; the main thread reads them from a
	 * signalfd. */
	if (pthread_sigmask(SIG_BLOCK, term, NULL) != 0)
		return -1;
	return signalfd(-1, term, SFD_CLOEXEC);
}

int vmm_run(const struct vmm_opts *o)
{
	static struct machine mach;
	struct machine *m = &mach;
	uint8_t hdr[PAYLOAD_HDR_SIZE];
	char err[256];
	unsigned int reboots = 0;
	const char *result;
	sigset_t term;
	int sig_fd, code, outcome;

	memset(m, 0, sizeof(*m));
	m->ops = o->ops;
	m->host = o->host;
	m->after_setup = o->after_setup;
	m->after_setup_arg = o->after_setup_arg;
	m->notify = o->notify;
	pthread_mutex_init(&m->lock, NULL);
	if (host_payload_size(o->host) < PAYLOAD_HDR_SIZE ||
	    host_payload_read(o->host, 0, hdr, sizeof(hdr)) < 0) {
		pv_log("payload: disk too small for its 4096-byte header");
		return PV_EXIT_SETUP;
	}
	if (payload_parse(hdr, sizeof(hdr), host_payload_size(o->host),
			  o->mem_max, &m->pay, err, sizeof(err)) < 0) {
		pv_log("%s", err);
		return PV_EXIT_SETUP;
	}
	sig_fd = setup_signals(&term);
	m->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sig_fd < 0 || m->event_fd < 0) {
		pv_log("cannot set up signals: %s", strerror(errno));
		return PV_EXIT_INTERNAL;
	}
	for (;;) {
		outcome = boot_once(m, sig_fd, reboots == 0);
		if (outcome != OUT_RESET)
			break;
		/* One line per reset request, the refused one included. */
		pv_log("guest reboot");
		if (reboots == o->max_reboots) {
			pv_log("reboot limit reached: the guest reset again after "
			       "%u reboot(s) (--max-reboots %u); stopping",
			       reboots, o->max_reboots);
			break;
		}
		reboots++;
	}
	switch (outcome) {
	case OUT_POWEROFF:
		result = "poweroff";
		code = PV_EXIT_POWEROFF;
		break;
	case OUT_RESET:
		result = "reboot-limit";
		code = PV_EXIT_INTERNAL;
		break;
	case OUT_CRASH:
		result = "crash";
		code = PV_EXIT_CRASH;
		break;
	case OUT_SIGNAL:
		result = "signal";
		code = PV_EXIT_SIGNAL;
		break;
	case OUT_ERROR:
		result = "error";
		code = PV_EXIT_INTERNAL;
		break;
	default:
		result = "setup-error";
		code = PV_EXIT_SETUP;
		break;
	}
	pv_log("exits: io=%llu mmio=%llu hlt=%llu unclaimed-io=%llu "
	       "unknown=%llu reboots=%u console-dropped=%llu result=%s "
	       "exit=%d after %llu ms",
	       (unsigned long long)m->stats.io,
	       (unsigned long long)m->stats.mmio,
	       (unsigned long long)m->stats.hlt,
	       (unsigned long long)m->unclaimed_io,
	       (unsigned long long)m->stats.unknown, reboots,
	       (unsigned long long)host_console_dropped(o->host), result, code,
	       (unsigned long long)pv_uptime_ms());
	close(sig_fd);
	close(m->event_fd);
	return code;
}
