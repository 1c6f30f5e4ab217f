// SPDX-License-Identifier: MIT
/*
 * One boot of the guest: read the payload (hostile) once into private
 * memory, measure each piece as loaded (load.c), build the machine and its
 * devices (machine_devs.c), run its vCPUs (vcpu.c) until the guest powers
 * off, resets or fails. Reboot = tear down, build again from the payload
 * disk (and measure again, as a TPM reset would).
 */
#include "vmm.h"
#include "host.h"
#include "log.h"
#include "machine.h"
#include "pvbus.h"

#include "mantle_discovery.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/signalfd.h>
#include <unistd.h>

/* What each outcome is called in the `exits:` line and the exit status it
 * gives (README.md, "Exit status and log"). A reset that ends the run is
 * the one past --max-reboots. */
static const struct {
	const char *result;
	int code;
} outcomes[] = {
	[OUT_POWEROFF] = { "poweroff", PV_EXIT_POWEROFF },
	[OUT_RESET] = { "reboot-limit", PV_EXIT_INTERNAL },
	[OUT_CRASH] = { "crash", PV_EXIT_CRASH },
	[OUT_ERROR] = { "error", PV_EXIT_INTERNAL },
	[OUT_SIGNAL] = { "signal", PV_EXIT_SIGNAL },
	[OUT_STALL] = { "stalled", PV_EXIT_GUEST_STALLED },
	[OUT_GUEST_PANIC] = { "guest-panic", PV_EXIT_GUEST_PANIC },
	[OUT_SETUP] = { "setup-error", PV_EXIT_SETUP },
};

static void machine_teardown(struct machine *m)
{
	stall_detach(&m->stall);
	wake_check_log(m);
	devices_unplug(m);
	for (unsigned int i = 0; i < MAX_CPUS; i++) {
		if (m->vcpu[i])
			m->ops->vcpu_destroy(m->vcpu[i]);
		m->vcpu[i] = NULL;
	}
	if (m->pvm)
		m->ops->vm_destroy(m->pvm);
	m->pvm = NULL;
	/* Device memory the VM's slots named: free only now. */
	if (m->crb_page)
		munmap(m->crb_page, TPM_CRB_BUF_SIZE);
	m->crb_page = NULL;
	if (m->ram)
		munmap(m->ram, m->ram_size);
	m->ram = NULL;
	m->diag.unclaimed_io += m->bus.unclaimed;
}

static int map_ram(struct machine *m)
{
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
	return 0;
}

static int create_vm(struct machine *m)
{
	struct vm_setup s = {
		.cpus = m->pay.cpus,
		.ram = m->ram,
		.low_size = m->split.low_end,
		.high_size = m->split.high_size,
		.mantle_cpuid_base = MTL_CPUID_BLOCK_DEFAULT,
		.bus = { .features = PVBUS_FEATURES,
			 .area_gpa = PVBUS_AREA_GPA,
			 .ring_log2 = PVBUS_RING_LOG2,
			 .gsi = PVBUS_GSI,
			 .doorbell_port = PVBUS_DOORBELL_PORT },
	};
	char err[256];

	m->pvm = m->ops->vm_create(&s, err, sizeof(err));
	if (!m->pvm) {
		pv_log("%s", err);
		return -1;
	}
	return 0;
}

static int create_vcpus(struct machine *m)
{
	char err[256];

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

static int machine_build(struct machine *m)
{
	iobus_init(&m->bus);
	mmiobus_init(&m->mmio);
	if (map_ram(m) < 0 || load_payload(m) < 0 || create_vm(m) < 0 ||
	    devices_plug(m) < 0 || create_vcpus(m) < 0)
		return -1;
	/* Before the privilege drop: the vCPUs' stats fds. */
	stall_attach(&m->stall, m->ops, m->vcpu, m->pay.cpus,
		     m->stall_timeout_s);
	return 0;
}

/* Wait for an outcome or a termination signal; flush the console now and
 * then so that a line without newline (a prompt) still gets out. */
static void wait_outcome(struct machine *m, int sig_fd)
{
	struct pollfd fds[2] = { { .fd = m->event_fd, .events = POLLIN },
				 { .fd = sig_fd, .events = POLLIN } };
	uint32_t held;

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
		switch (stall_tick(&m->stall, pv_uptime_ms(), &held)) {
		case 1:
			machine_stop(m, OUT_STALL);
			break;
		case 0: /* sampled: the wake check looks at held vCPUs */
			wake_check_sample(m, held);
			break;
		}
	}
}

/* Built and measured: print the events (first boot) and drop privileges. */
static int after_build(struct machine *m, int first, uint64_t t0)
{
	if (first)
		measure_log_print(&m->mlog, stderr);
	if (first && m->after_setup && m->after_setup(m->after_setup_arg) < 0)
		return -1;
	pv_log("set-up done in %llu ms (%llu ms since start): %u vCPU(s), "
	       "%llu MiB, platform %s",
	       (unsigned long long)(pv_uptime_ms() - t0),
	       (unsigned long long)pv_uptime_ms(), m->pay.cpus,
	       (unsigned long long)(m->pay.mem_bytes >> 20), m->ops->name);
	return 0;
}

/* One boot; returns the outcome. */
static int boot_once(struct machine *m, int sig_fd, int first)
{
	uint64_t t0 = pv_uptime_ms();
	int outcome;

	m->outcome = RUNNING;
	diag_trace_reset(&m->diag);
	memset(m->started, 0, sizeof(m->started));
	if (machine_build(m) < 0 || after_build(m, first, t0) < 0) {
		machine_teardown(m);
		return OUT_SETUP;
	}
	vcpus_start(m);
	wait_outcome(m, sig_fd);
	vcpus_join(m);
	outcome = machine_outcome(m);
	/* Stopped from outside: show where a hung guest was. */
	if (outcome == OUT_SIGNAL) {
		for (unsigned int i = 0; i < m->pay.cpus; i++)
			m->ops->vcpu_dump(m->vcpu[i], stderr);
		diag_log_trace(&m->diag);
	}
	if (outcome == OUT_STALL)
		stall_report(&m->stall);
	/* While the guest still exists. */
	diag_log_memory(m->ram);
	machine_teardown(m);
	return outcome;
}

static int setup_signals(void)
{
	sigset_t term;

	if (vcpu_kick_init() < 0)
		return -1;
	sigemptyset(&term);
	sigaddset(&term, SIGTERM);
	sigaddset(&term, SIGINT);
	sigaddset(&term, SIGHUP);
	/* Blocked in every thread; the main thread reads them from a
	 * signalfd. */
	if (pthread_sigmask(SIG_BLOCK, &term, NULL) != 0)
		return -1;
	return signalfd(-1, &term, SFD_CLOEXEC);
}

/* The payload header, read once into private memory and checked. */
static int read_payload_header(struct machine *m, uint64_t mem_max)
{
	uint8_t hdr[PAYLOAD_HDR_SIZE];
	char err[256];

	if (host_payload_size(m->host) < PAYLOAD_HDR_SIZE ||
	    host_payload_read(m->host, 0, hdr, sizeof(hdr)) < 0) {
		pv_log("payload: disk too small for its 4096-byte header");
		return -1;
	}
	if (payload_parse(hdr, sizeof(hdr), host_payload_size(m->host), mem_max,
			  &m->pay, err, sizeof(err)) < 0) {
		pv_log("%s", err);
		return -1;
	}
	return 0;
}

/* Boots until an outcome other than a reset, or the reboot limit. */
static int boot_loop(struct machine *m, int sig_fd, unsigned int max_reboots,
		     unsigned int *reboots)
{
	int outcome;

	for (*reboots = 0;; (*reboots)++) {
		outcome = boot_once(m, sig_fd, *reboots == 0);
		if (outcome != OUT_RESET)
			return outcome;
		/* One line per reset request, the refused one included. */
		pv_log("guest reboot");
		if (*reboots == max_reboots) {
			pv_log("reboot limit reached: the guest reset again after "
			       "%u reboot(s) (--max-reboots %u); stopping",
			       *reboots, max_reboots);
			return outcome;
		}
	}
}

int vmm_run(const struct vmm_opts *o)
{
	static struct machine mach;
	/* Without one from main: the vTPM's state outlives reboots, not
	 * this process (tpm_lib.h). */
	static struct tpm_nv tpm_nv;
	struct machine *m = &mach;
	unsigned int reboots;
	int sig_fd, outcome, code;

	memset(m, 0, sizeof(*m));
	m->ops = o->ops;
	m->host = o->host;
	m->after_setup = o->after_setup;
	m->after_setup_arg = o->after_setup_arg;
	m->notify = o->notify;
	m->pipes = o->pipes;
	m->stall_timeout_s = o->stall_timeout_s;
	m->tpm = o->tpm;
	m->tpm_nv = o->tpm_nv ? o->tpm_nv : &tpm_nv;
	pthread_mutex_init(&m->lock, NULL);
	if (read_payload_header(m, o->mem_max) < 0)
		return PV_EXIT_SETUP;
	sig_fd = setup_signals();
	m->event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (sig_fd < 0 || m->event_fd < 0) {
		pv_log("cannot set up signals: %s", strerror(errno));
		return PV_EXIT_INTERNAL;
	}
	outcome = boot_loop(m, sig_fd, o->max_reboots, &reboots);
	if (outcome < OUT_POWEROFF || outcome > OUT_SETUP)
		outcome = OUT_SETUP;
	code = outcomes[outcome].code;
	diag_log_exits(&m->diag, reboots, host_console_dropped(o->host),
		       outcomes[outcome].result, code);
	close(sig_fd);
	close(m->event_fd);
	return code;
}
