// SPDX-License-Identifier: MIT
/* mantle-paravisor: command line, platform check, then the machine. */
#include "control.h"
#include "guard.h"
#include "host.h"
#include "host_events.h"
#include "hostnotify.h"
#include "mantle_discovery.h"
#include "log.h"
#include "payload.h"
#include "platform.h"
#include "test_hooks.h"
#include "tpm_lib.h"
#include "tpm_save.h"
#include "vmgs_key.h"
#include "vmgs_key_snp.h"
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
	"                     [--max-reboots N] [--stall-timeout SECONDS]\n"
	"                     [--platform nested] [--snp-secrets FILE]\n"
	"                     [--vmgs-key-policy default|measurement]\n"
	"                     [--vmgs-reprovision] [--tpm crb|tis|none]\n"
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
	"                       is opened with a key the secure processor\n"
	"                       derives (provisioned encrypted if empty,\n"
	"                       refused untouched if it does not unlock;\n"
	"                       paravisor/vmgs/VMGS-KEY.md), host events are\n"
	"                       checked, and the\n"
	"                       channel's counters are logged every %d s and at\n"
	"                       exit. Without it: no VMGS, no host events\n"
	"    --snp-secrets FILE the SNP secrets page (exactly 4096 bytes) of\n"
	"                       the secure processor, reached through the\n"
	"                       --control channel: VMPCK0 is taken, the\n"
	"                       VCEK certificate table fetched, and a report\n"
	"                       asked for as a self-test. On nested the page\n"
	"                       comes through the untrusted host (fw_cfg), so\n"
	"                       nothing derived from it is secret from the\n"
	"                       host. A failure is logged and the guest boots\n"
	"                       without secure-processor services\n"
	"    --max-reboots N    reboots allowed before stopping with status 3\n"
	"                       (default %d)\n"
	"    --stall-timeout SECONDS\n"
	"                       stop with status 7 when no vCPU made progress\n"
	"                       (KVM's exits, halt_exits and halt_wakeup\n"
	"                       counters) for SECONDS, after logging what each\n"
	"                       vCPU waits on; 0: never (default %d)\n"
	"    --vmgs-key-policy default|measurement\n"
	"                       what the VMGS key is bound to besides the chip:\n"
	"                       default survives a paravisor update;\n"
	"                       measurement binds it to this launch\n"
	"                       measurement (default: default)\n"
	"    --vmgs-reprovision a VMGS that would be refused (damaged, locked,\n"
	"                       unencrypted, other policy) is replaced by a new\n"
	"                       empty one: its state is lost. One that opens is\n"
	"                       kept\n"
	"    --tpm crb|tis|none the guest's TPM 2.0 (libtpms): crb, a Command\n"
	"                       Response Buffer device at 0xFED40000 with its\n"
	"                       ACPI device and TPM2 table (default); tis, the\n"
	"                       FIFO (TIS) interface at the same address; none:\n"
	"                       no TPM. Its state is kept across reboots and,\n"
	"                       with a VMGS, in it (file 3, encrypted): loaded\n"
	"                       at start, saved %d-%d ms after it changed and\n"
	"                       at power-off, reboot and exit; a crash loses at\n"
	"                       most that window. Without a VMGS it is lost at\n"
	"                       exit\n"
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
	"    7  the guest stalled: no vCPU made progress for --stall-timeout\n"
	"       seconds; what each vCPU waits on is logged\n"
	"    8  the guest kernel panicked: it said so through the pvpanic\n"
	"       device (the ACPI \"QEMU0001\" port 0x505)\n"
	"    9  the VMGS does not unlock with the derived key (another chip's,\n"
	"       or a tampered or swapped key protector): refused, untouched\n"
	"    10 the VMGS is not encrypted and holds data (a downgrade):\n"
	"       refused, untouched\n"
	"    11 the VMGS key is sealed under the other --vmgs-key-policy:\n"
	"       refused, untouched\n"
	"    12 no key from the secure processor: the VMGS is refused,\n"
	"       untouched (never opened or created in plaintext)\n"
	"    13 the vTPM's state in the VMGS (file 3) does not decrypt or\n"
	"       libtpms refuses it: never replaced by a new TPM (that would\n"
	"       lose the guest's keys), left untouched\n"
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

/* Everything main's steps share. Static: the notification device and the
 * event routing outlive every thread that uses them. */
struct pv_main {
	const char *payload, *console, *control, *snp_secrets;
	enum platform_kind kind;
	struct vmm_opts o;
	struct test_hooks hooks; /* all zero outside the test build */
	/* Host events that pass hostif's checks go to the paravisor's own
	 * host-notification device (hostnotify.h), never straight to the
	 * guest. */
	struct hostnotify notify;
	struct control_events ev;
	struct control *ctl;
	/* The VMGS key policy (paravisor/vmgs/VMGS-KEY.md). Its .sp is the
	 * secure processor (open_control): NULL without one. */
	struct vmgs_key_cfg vmgs_key;
	struct vmgs_key_sp vmgs_sp;
	struct vmgs_key_snp vmgs_snp;
	/* The vTPM's state: from the VMGS at start, across every boot. */
	struct tpm_nv tpm_nv;
};

static const struct control_event_src host_src[] = {
	{ PV_HOST_EVENT_DEVICE, PV_HOST_EVENT_VECTOR },
};

/* --tpm: crb, tis or none. */
static int parse_tpm(const char *arg, enum vmm_tpm *out)
{
	static const struct {
		const char *name;
		enum vmm_tpm tpm;
	} kinds[] = { { "crb", VMM_TPM_CRB },
		      { "tis", VMM_TPM_TIS },
		      { "none", VMM_TPM_NONE } };

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
		if (strcmp(arg, kinds[i].name) == 0) {
			*out = kinds[i].tpm;
			return 0;
		}
	pv_log("--tpm wants crb, tis or none, not '%s'", arg);
	return -1;
}

/* The command line into m. Returns -1 to go on, or the exit code. */
static int parse_args(struct pv_main *m, int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "payload", required_argument, NULL, 'p' },
		{ "console", required_argument, NULL, 'c' },
		{ "max-reboots", required_argument, NULL, 'r' },
		{ "control", required_argument, NULL, 'C' },
		{ "platform", required_argument, NULL, 'P' },
		{ "stall-timeout", required_argument, NULL, 's' },
		{ "snp-secrets", required_argument, NULL, 'k' },
		{ "vmgs-key-policy", required_argument, NULL, 'K' },
		{ "vmgs-reprovision", no_argument, NULL, 'R' },
		{ "tpm", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
#ifdef MANTLE_TEST_HOOKS /* left out of --help */
		TEST_HOOKS_LONGOPTS
#endif
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		switch (c) {
		case 'p':
			m->payload = optarg;
			break;
		case 'c':
			m->console = optarg;
			break;
		case 'C':
			m->control = optarg;
			break;
		case 'k': /* not 'S': the test build's --test-secret */
			m->snp_secrets = optarg;
			break;
		case 'r':
			if (parse_uint(optarg, 1000, &m->o.max_reboots) < 0) {
				pv_log("--max-reboots wants 0..1000, not '%s'",
				       optarg);
				return PV_EXIT_SETUP;
			}
			break;
		case 's':
			if (parse_uint(optarg, 86400, &m->o.stall_timeout_s) <
			    0) {
				pv_log("--stall-timeout wants 0..86400 seconds, "
				       "not '%s'",
				       optarg);
				return PV_EXIT_SETUP;
			}
			break;
		case 'T':
			if (parse_tpm(optarg, &m->o.tpm) < 0)
				return PV_EXIT_SETUP;
			break;
		case 'K':
			if (vmgs_key_policy_parse(optarg,
						  &m->vmgs_key.policy)) {
				pv_log("--vmgs-key-policy wants default or "
				       "measurement, not '%s'",
				       optarg);
				return PV_EXIT_SETUP;
			}
			break;
		case 'R':
			m->vmgs_key.reprovision = true;
			break;
		case 'P':
			if (platform_parse(optarg, &m->kind) < 0) {
				pv_log("unknown platform '%s'", optarg);
				return PV_EXIT_SETUP;
			}
			break;
		case 'h':
			printf(usage, MTL_CPUID_BLOCK_DEFAULT,
			       CONTROL_COUNTERS_PERIOD_S, DEFAULT_MAX_REBOOTS,
			       PV_STALL_TIMEOUT_S, TPM_SAVE_QUIET_MS,
			       TPM_SAVE_MAX_DELAY_MS);
			return 0;
		default:
			if (test_hooks_option(&m->hooks, c) == 0)
				break;
			fprintf(stderr,
				"usage: mantle-paravisor --payload DISK "
				"[--console PATH] (see --help)\n");
			return PV_EXIT_SETUP;
		}
	}
	if (optind != argc || !m->payload) {
		pv_log("%s (see --help)", optind != argc ?
						  "unexpected argument" :
						  "--payload is required");
		return PV_EXIT_SETUP;
	}
	return -1;
}

/* The platform (probed) and the host's payload disk and console. */
static int open_host(struct pv_main *m)
{
	char err[256];

	m->o.ops = platform_get(m->kind, err, sizeof(err));
	if (!m->o.ops || m->o.ops->probe(err, sizeof(err)) < 0) {
		pv_log("%s", err);
		return PV_EXIT_SETUP;
	}
	m->o.host = host_open(m->payload, m->console, err, sizeof(err));
	if (!m->o.host) {
		pv_log("%s", err);
		return PV_EXIT_SETUP;
	}
	return 0;
}

/*
 * The payload header's --vmgs-reprovision flag (PAYLOAD.md): not measured,
 * as a host can always destroy a VMGS. A header that does not parse is left
 * to the load, which refuses it with its reason.
 */
static void payload_vmgs_flags(struct pv_main *m)
{
	uint8_t hdr[PAYLOAD_HDR_SIZE];
	struct payload_info info;
	char err[256];

	if (host_payload_read(m->o.host, 0, hdr, sizeof(hdr)) ||
	    payload_parse(hdr, sizeof(hdr), host_payload_size(m->o.host),
			  mem_limit(), &info, err, sizeof(err)))
		return;
	if (info.flags & PAYLOAD_F_VMGS_REPROVISION) {
		m->vmgs_key.reprovision = true;
		pv_log("vmgs: reprovision asked (payload flag): a VMGS that "
		       "would be refused is replaced, its state lost");
	}
}

/* --control: the session, the VMGS, then the channel's thread. */
static int open_control(struct pv_main *m)
{
	char err[256];
	int code;

	m->ev = (struct control_events){ .cb = hostnotify_event,
					 .arg = &m->notify,
					 .allow = host_src,
					 .nallow = 1 };
	m->ctl = control_open(m->control, &m->ev, err, sizeof(err));
	if (!m->ctl) {
		pv_log("%s", err);
		return PV_EXIT_HOSTIF;
	}
	if (m->snp_secrets)
		control_sp_start(m->ctl, m->snp_secrets);
	test_hooks_sp_bench(&m->hooks, control_snp(m->ctl));
	/* The secure processor that derives the VMGS key: the guest-request
	 * client, if it came up with VMPCK0; else none, and every VMGS is
	 * refused (PV_EXIT_NO_SP), never opened or created in plaintext. */
	if (control_snp(m->ctl)) {
		uint64_t tcb;

		m->vmgs_sp = vmgs_key_sp_snp(&m->vmgs_snp, control_snp(m->ctl));
		m->vmgs_key.sp = &m->vmgs_sp;
		if (!control_snp_tcb(m->ctl, &tcb))
			vmgs_key_snp_set_tcb(&m->vmgs_snp, tcb);
	}
	payload_vmgs_flags(m);
	code = control_vmgs_start(m->ctl, &m->vmgs_key);
	vmgs_key_snp_forget(&m->vmgs_snp);
	if (!code && m->o.tpm != VMM_TPM_NONE)
		code = control_tpm_start(m->ctl, &m->tpm_nv, tpm_lib_check);
	if (code || control_start(m->ctl))
		return code ? code : PV_EXIT_INTERNAL;
	return 0;
}

/* The guest, from the first boot to its end. */
static int run_guest(void *arg)
{
	struct pv_main *m = arg;
	int code;

	m->o.mem_max = mem_limit();
	m->o.after_setup = guard_after_setup;
	m->o.notify = &m->notify;
	/* The host end of pipes (control_pipe.c): NULL without --control
	 * or when the host offers none; then the pv bus offers no pipe. It
	 * outlives the bus: control_close() comes after vmm_run(). */
	m->o.pipes = control_pipes(m->ctl);
	m->o.tpm_nv = &m->tpm_nv;
	test_hooks_setup(&m->hooks, &m->o);
	code = vmm_run(&m->o);
	hostnotify_log(&m->notify, "at exit");
	return code;
}

int main(int argc, char **argv)
{
	static struct pv_main m = {
		.kind = PLATFORM_NESTED,
		.o = { .max_reboots = DEFAULT_MAX_REBOOTS,
		       .stall_timeout_s = PV_STALL_TIMEOUT_S },
	};
	char err[256];
	int code;

	guard_one_arena();
	pv_log_start();
	hostnotify_init(&m.notify, PV_HOST_EVENT_DEVICE, PV_HOST_EVENT_VECTOR);
	if (guard_close_inherited(err, sizeof(err)) < 0) {
		pv_log("%s", err);
		return PV_EXIT_SETUP;
	}
	code = parse_args(&m, argc, argv);
	if (code >= 0)
		return code;
	code = open_host(&m);
	if (code)
		return code;
	if (m.snp_secrets && !m.control)
		pv_log("secure processor: --snp-secrets needs --control (the "
		       "relay): booting without secure-processor services");
	if (m.control)
		code = open_control(&m);
	else if (m.o.tpm != VMM_TPM_NONE)
		pv_log("vtpm: NO VMGS (no --control): the TPM's state lives in "
		       "memory only and is LOST when the paravisor exits");
	if (!code)
		code = test_hooks_run(&m.hooks, run_guest, &m);
	control_close(m.ctl);
	tpm_nv_clear(&m.tpm_nv);
	host_close(m.o.host);
	return code;
}
