// SPDX-License-Identifier: MIT
/* mantle-paravisor: command line, platform check, then the machine. */
#include "control.h"
#include "guard.h"
#include "host.h"
#include "host_events.h"
#include "hostnotify.h"
#include "mantle_discovery.h"
#include "log.h"
#include "platform.h"
#include "secret.h"
#include "vmm.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_MAX_REBOOTS 3
#define MEM_MAX_CAP (64ull << 30)

static const char usage[] =
	"NAME\n"
	"    mantle-paravisor - Mantle's paravisor VMM: runs the guest on KVM\n"
	"\n"
	"SYNOPSIS\n"
	"    mantle-paravisor --payload DISK [--console PATH] [--control PATH]\n"
	"                     [--max-reboots N] [--platform nested]\n"
	"    mantle-paravisor --help\n"
	"\n"
	"DESCRIPTION\n"
	"    Runs inside the paravisor VM. Reads the guest payload (bzImage\n"
	"    kernel, initrd, command line, vCPU count, memory size) from DISK,\n"
	"    laid out as paravisor/PAYLOAD.md says, validating it as hostile\n"
	"    input. Loads it into guest memory with the Linux 64-bit boot\n"
	"    protocol (no firmware), measures each piece as loaded (kernel,\n"
	"    initrd, command line, ACPI tables, e820 memory map) and prints\n"
	"    the event list as MEASURE lines, builds ACPI tables, and runs\n"
	"    one thread per vCPU.\n"
	"    The guest sees a 16550 UART (COM1, IRQ 4) wired to the console, an\n"
	"    in-kernel IOAPIC/LAPIC/PIT, hardware-reduced ACPI with power-off\n"
	"    and reset, and Mantle's CPUID discovery leaves at 0x%08x next to\n"
	"    KVM's own at 0x40000000.\n"
	"    When the guest resets (ACPI reset register or keyboard controller)\n"
	"    the payload is loaded again and the guest reboots; a triple fault\n"
	"    is a crash, not a reboot. Log lines go to standard error with a\n"
	"    \"mantle-paravisor:\" prefix, ending with a summary of exit counts.\n"
	"\n"
	"OPTIONS\n"
	"    --payload DISK     the payload disk or file (required)\n"
	"    --console PATH     where the guest console goes, e.g. a virtio\n"
	"                       serial port /dev/vportNpM (default: stdout)\n"
	"    --control PATH     the host control channel (hostif/SPEC.md), e.g.\n"
	"                       the virtio serial port mantle.control: the\n"
	"                       session is negotiated, the VMGS the host serves\n"
	"                       is opened (formatted if all zero, refused if\n"
	"                       damaged), host events are checked, and the\n"
	"                       channel's counters are logged every %d s and at\n"
	"                       exit. Without it: no VMGS, no host events\n"
	"    --max-reboots N    reboots allowed before stopping with status 3\n"
	"                       (default %d)\n"
	"    --platform NAME    nested (KVM); snp, tdx and vbs are not\n"
	"                       implemented yet\n"
	"    -h, --help         this text\n"
	"\n"
	"EXIT STATUS\n"
	"    0  the guest powered off\n"
	"    1  usage or set-up error: bad payload, not a bzImage, initrd too\n"
	"       large, KVM unavailable\n"
	"    2  guest crash (triple fault); the vCPU registers are logged\n"
	"    3  internal error, unknown exit, or too many reboots\n"
	"    4  stopped by a signal (SIGTERM, SIGINT, SIGHUP)\n"
	"    5  the VMGS is damaged: refused and left untouched (--control)\n"
	"    6  no control session with the host, or the VMGS could not be\n"
	"       read through it (--control)\n"
	"\n"
	"SEE ALSO\n"
	"    mantle(1), paravisor/vmm/README.md, paravisor/MEASUREMENT.md\n";

static uint64_t mem_limit(void)
{
	long pages = sysconf(_SC_PHYS_PAGES);
	long psize = sysconf(_SC_PAGESIZE);
	uint64_t phys;

	if (pages <= 0 || psize <= 0)
		return MEM_MAX_CAP;
	phys = (uint64_t)pages * (uint64_t)psize;
	return phys < MEM_MAX_CAP ? phys : MEM_MAX_CAP;
}

static int parse_uint(const char *s, unsigned int max, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || s[0] == '-' || v > max)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "payload", required_argument, NULL, 'p' },
		{ "console", required_argument, NULL, 'c' },
		{ "max-reboots", required_argument, NULL, 'r' },
		{ "control", required_argument, NULL, 'C' },
		{ "platform", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		/* Test-only, left out of --help (README.md, "Test-only
		 * options"). */
		{ "test-forbidden-syscall", no_argument, NULL, 'F' },
		{ "test-secret", no_argument, NULL, 'S' },
		{ NULL, 0, NULL, 0 },
	};
	const char *payload = NULL, *console = NULL, *control = NULL;
	static const struct control_event_src host_src[] = {
		{ PV_HOST_EVENT_DEVICE, PV_HOST_EVENT_VECTOR },
	};
	/* Host events that pass hostif's checks go to the paravisor's own
	 * host-notification device (hostnotify.h), never straight to the
	 * guest. */
	static struct hostnotify notify;
	struct control_events ev = { .cb = hostnotify_event,
				     .arg = &notify,
				     .allow = host_src,
				     .nallow = 1 };
	struct control *ctl = NULL;
	enum platform_kind kind = PLATFORM_NESTED;
	struct vmm_opts o = { .max_reboots = DEFAULT_MAX_REBOOTS };
	char err[256];
	int c, code;
	int test_forbidden = 0, test_secret = 0;
	uint8_t *secret = NULL, secret_stack[SECRET_BLOCK];

	pv_log_start();
	hostnotify_init(&notify, PV_HOST_EVENT_DEVICE, PV_HOST_EVENT_VECTOR);
	if (guard_close_inherited(err, sizeof(err)) < 0) {
		pv_log("%s", err);
		return PV_EXIT_SETUP;
	}
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			payload = optarg;
			break;
		case 'c':
			console = optarg;
			break;
		case 'C':
			control = optarg;
			break;
		case 'r':
			if (parse_uint(optarg, 1000, &o.max_reboots) < 0) {
				pv_log("--max-reboots wants 0..1000, not '%s'",
				       optarg);
				return PV_EXIT_SETUP;
			}
			break;
		case 'P':
			if (platform_parse(optarg, &kind) < 0) {
				pv_log("unknown platform '%s'", optarg);
				return PV_EXIT_SETUP;
			}
			break;
		case 'F':
			test_forbidden = 1;
			break;
		case 'S':
			test_secret = 1;
			break;
		case 'h':
			printf(usage, MTL_CPUID_BLOCK_DEFAULT,
			       CONTROL_COUNTERS_PERIOD_S, DEFAULT_MAX_REBOOTS);
			return 0;
		default:
			fprintf(stderr,
				"usage: mantle-paravisor --payload DISK "
				"[--console PATH] (see --help)\n");
			return PV_EXIT_SETUP;
		}
	}
	if (optind != argc || !payload) {
		pv_log("%s (see --help)", optind != argc ?
						  "unexpected argument" :
						  "--payload is required");
		return PV_EXIT_SETUP;
	}
	o.ops = platform_get(kind, err, sizeof(err));
	if (!o.ops || o.ops->probe(err, sizeof(err)) < 0) {
		pv_log("%s", err);
		return PV_EXIT_SETUP;
	}
	o.host = host_open(payload, console, err, sizeof(err));
	if (!o.host) {
		pv_log("%s", err);
		return PV_EXIT_SETUP;
	}
	if (control) {
		ctl = control_open(control, &ev, err, sizeof(err));
		if (!ctl) {
			pv_log("%s", err);
			host_close(o.host);
			return PV_EXIT_HOSTIF;
		}
		code = control_vmgs_start(ctl);
		if (code || control_start(ctl)) {
			control_close(ctl);
			host_close(o.host);
			return code ? code : PV_EXIT_INTERNAL;
		}
	}
	o.mem_max = mem_limit();
	o.after_setup = guard_after_setup;
	o.notify = &notify;
	o.after_setup_arg = &test_forbidden;
	if (test_secret) {
		secret = secret_make(err, sizeof(err));
		if (!secret) {
			pv_log("%s", err);
			return PV_EXIT_SETUP;
		}
		/* A copy on this stack too, kept alive while the guest runs. */
		memcpy(secret_stack, secret, SECRET_BLOCK);
		__asm__ volatile("" : : "r"(secret_stack) : "memory");
		pv_log("test-secret: held in paravisor memory (heap and stack)");
	}
	code = vmm_run(&o);
	hostnotify_log(&notify, "at exit");
	if (secret) {
		/* Only now, with the guest gone. */
		secret_reveal_and_free(secret);
		explicit_bzero(secret_stack, sizeof(secret_stack));
	}
	control_close(ctl);
	host_close(o.host);
	return code;
}
