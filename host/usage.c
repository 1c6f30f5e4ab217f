// SPDX-License-Identifier: MIT
/*
 * The manual pages `mantle --help`, `mantle run --help`, `mantle measure
 * --help` print. Each page is data: blocks of text and tables of two-column
 * rows (an option and what it does), rendered by usage_print().
 */
#include <string.h>

#include "commands.h"
#include "services.h"

#define INDENT "    " /* of every row and paragraph */

/* A term (an option, a command, an exit code) and its text. Lines of the
 * text are separated by '\n'; each starts in the text column. */
struct usage_row {
	const char *term;
	const char *text;
};

/* One part of a page: text printed as is, or rows whose text column is
 * width characters after the indent, or what a function prints. */
struct usage_part {
	const char *text;
	const struct usage_row *rows; /* ends with a NULL term */
	int width;
	void (*print)(FILE *out);
};

/* A term shorter than the column shares the first line with its text; a
 * longer one stands on a line of its own. */
static void usage_row_print(FILE *out, const struct usage_row *r, int width)
{
	const char *line = r->text;

	if ((int)strlen(r->term) < width) {
		fprintf(out, INDENT "%-*s", width, r->term);
	} else {
		fprintf(out, INDENT "%s\n", r->term);
		fprintf(out, INDENT "%*s", width, "");
	}
	for (;;) {
		const char *nl = strchr(line, '\n');

		if (!nl) {
			fprintf(out, "%s\n", line);
			return;
		}
		fprintf(out, "%.*s\n" INDENT "%*s", (int)(nl - line), line,
			width, "");
		line = nl + 1;
	}
}

/* Renders the parts of a page, up to the one with nothing in it. */
static void usage_print(FILE *out, const struct usage_part *page)
{
	for (; page->text || page->rows || page->print; page++) {
		if (page->text)
			fputs(page->text, out);
		for (const struct usage_row *r = page->rows; r && r->term; r++)
			usage_row_print(out, r, page->width);
		if (page->print)
			page->print(out);
	}
}

static const struct usage_row main_commands[] = {
	{ "run",
	  "Start the paravisor VM with QEMU and run an unmodified Linux\n"
	  "guest inside it; the guest console goes to stdout." },
	{ "measure",
	  "Compute offline the launch measurement of a paravisor VM image\n"
	  "and the digests the paravisor logs for a guest payload\n"
	  "(paravisor/MEASUREMENT.md)." },
	{ "sim-ca",
	  "Export the simulated secure processor's ASK and ARK (PEM) for\n"
	  "mantle-verify snp-report --ca." },
	{ NULL, NULL },
};

static const struct usage_part main_page[] = {
	{ .text = "NAME\n"
		  "    mantle - host launcher of the Mantle paravisor "
		  "(untrusted side)\n"
		  "\n"
		  "SYNOPSIS\n"
		  "    mantle run --kernel BZIMAGE [--initrd INITRD] "
		  "[OPTIONS]\n"
		  "    mantle measure --paravisor-image DIR [OPTIONS]\n"
		  "    mantle measure --kernel BZIMAGE [--initrd INITRD] "
		  "[OPTIONS]\n"
		  "    mantle sim-ca [--sp-state DIR] --out FILE\n"
		  "    mantle --help | mantle COMMAND --help\n"
		  "\n"
		  "DESCRIPTION\n" },
	{ .rows = main_commands, .width = 9 },
	{ .text = "\n"
		  "    On the nested development platform the paravisor VM "
		  "runs under QEMU\n"
		  "    (TCG by default) and its launch measurement is "
		  "computed by this\n"
		  "    untrusted launcher, not by hardware.\n"
		  "\n"
		  "EXIT STATUS\n"
		  "    0 success, 1 usage error; see each command's --help.\n" },
	{ 0 },
};

static const struct usage_row run_options[] = {
	{ "--kernel BZIMAGE", "guest Linux kernel (bzImage); required" },
	{ "--initrd INITRD", "guest initramfs (default: none)" },
	{ "--cmdline STR", "guest kernel command line, at most 4095 bytes\n"
			   "(default: \"console=ttyS0\"; the guest console\n"
			   "needs console=ttyS0)" },
	{ "--cpus N", "guest vCPUs, 1 to 8 (default: 1)" },
	{ "--mem SIZE", "guest RAM, 64M to 16G, a multiple of 2M; suffix\n"
			"B, K, M or G (binary units); a plain number is\n"
			"MiB (default: 256M)" },
	{ "--timeout S", "stop QEMU and fail if the guest has not powered\n"
			 "off after S seconds (default: 0, no limit)" },
	{ "--accel tcg|kvm",
	  "L0 accelerator for the paravisor VM (default: tcg,\n"
	  "-cpu max). kvm needs /dev/kvm and an L0 CPU with\n"
	  "SVM or VMX (-cpu host)" },
	{ "--pv-cpus N",
	  "paravisor VM vCPUs, 1 to 4 (default: 1 under tcg,\n"
	  "2 under kvm). Under tcg more than 1 exposes QEMU's\n"
	  "cross-vCPU code-modification race (\"Oops: int3\" in\n"
	  "the paravisor VM or the guest; paravisor/README.md):\n"
	  "for comparisons only" },
	{ "--log FILE",
	  "log file, truncated first (default: ./mantle-run.log,\n"
	  "in the current directory)" },
	{ "--paravisor-image DIR",
	  "directory with vmlinuz and initramfs.cpio.gz\n"
	  "(default: ../paravisor relative to the directory\n"
	  "of the mantle binary, i.e. build/paravisor)" },
	{ "--vmgs FILE",
	  "serve FILE (a fixed VHD1) as the paravisor's VMGS, in\n"
	  "512-byte sectors: only its data part, never the\n"
	  "footer or anything else of the host. A missing\n"
	  "FILE is created with 4194816 bytes (4 MiB of\n"
	  "zeros and a VHD footer). The paravisor keeps it\n"
	  "encrypted under a key the secure processor derives\n"
	  "for it (paravisor/vmgs/VMGS-KEY.md): an empty VMGS\n"
	  "is provisioned, one that does not unlock (another\n"
	  "chip's, tampered, unencrypted) is refused untouched\n"
	  "(exit 5). On nested the host delivered the key the\n"
	  "paravisor talks to the simulator with, so it could\n"
	  "derive this key too; on hardware it could not\n"
	  "(default: no VMGS)" },
	{ "--vmgs-key-policy default|measurement",
	  "what the VMGS key is bound to besides the chip:\n"
	  "default survives a paravisor update; measurement\n"
	  "binds it to the launch measurement (the choice is\n"
	  "on the paravisor VM's measured command line).\n"
	  "Changing it needs --vmgs-reprovision (default:\n"
	  "default)" },
	{ "--tpm crb|tis|none",
	  "the guest's TPM 2.0 (libtpms, inside the paravisor):\n"
	  "crb, a CRB device the stock tpm_crb driver finds\n"
	  "through ACPI; tis, the FIFO (TIS) interface the\n"
	  "stock tpm_tis driver finds; none: no TPM. Part of\n"
	  "the launch measurement. With --vmgs its state lives\n"
	  "there, encrypted (file 3), saved 250 ms to 1 s after\n"
	  "it changes and at power-off: a crash of the host\n"
	  "loses at most that; without, it lasts one run\n"
	  "(default: crb)" },
	{ "--stall-timeout SECONDS",
	  "stop a guest whose every vCPU has halted with nothing\n"
	  "to wake it after SECONDS (10 to 86400) without\n"
	  "progress: exit 8. On the measured paravisor VM\n"
	  "command line when not the default (default: 120)" },
	{ "--vmgs-reprovision",
	  "replace a VMGS the paravisor would refuse (damaged,\n"
	  "another chip's, unencrypted, other key policy) with a\n"
	  "new empty one: its state is lost. One that opens is\n"
	  "kept" },
	{ "--hostile SPEC",
	  "misbehave on purpose towards the paravisor, seeded and\n"
	  "reproducible (grammar below and in host/README.md)" },
	{ "--pipe NAME=SOCKET",
	  "offer the guest a pipe NAME (1 to 15 of a-z 0-9 _ -;\n"
	  "it appears as /dev/mantle-pipe-NAME) relayed to the\n"
	  "listening Unix socket SOCKET: mantle connects when\n"
	  "the guest opens the pipe (the open fails if nobody\n"
	  "listens) and closes the connection when the guest\n"
	  "closes it. Repeatable, up to 16 pipes (default: none)" },
	{ "--sp-state DIR",
	  "the simulated secure processor's state directory: one\n"
	  "simulated chip (its root secret and certificate chain,\n"
	  "made on first use, mode 0700). mantle starts mantle-sp\n"
	  "(beside mantle) on it, has it measure the paravisor VM\n"
	  "image (it must equal MEASURE launch=, else exit 1) and\n"
	  "make the SNP secrets page with the VMPCKs, and relays\n"
	  "the paravisor's sealed guest messages to it. On nested\n"
	  "the secrets page passes through this untrusted host to\n"
	  "the paravisor VM (QEMU at L0 can read all its memory\n"
	  "anyway): nothing derived from it is secret from the\n"
	  "host. (default: $XDG_DATA_HOME/mantle/sp or\n"
	  "~/.local/share/mantle/sp; without mantle-sp beside\n"
	  "mantle and without this option the paravisor runs\n"
	  "without a secure processor)" },
	{ "-h, --help", "this text" },
	{ NULL, NULL },
};

static const struct usage_row run_exits[] = {
	{ "0", "the guest powered off" },
	{ "1", "usage or host error: bad option, unreadable file, QEMU "
	       "missing,\n"
	       "no SVM/VMX for --accel kvm, no paravisor image" },
	{ "2", "the guest crashed (triple fault; registers in the log) or\n"
	       "its kernel panicked (pvpanic)" },
	{ "3", "the paravisor reported an error (not a bzImage, initrd too\n"
	       "large, KVM unavailable, unhandled exits, too many reboots)" },
	{ "4", "QEMU failed, or the paravisor VM stopped without a status" },
	{ "5", "the paravisor refused the VMGS (left untouched): damaged, "
	       "does not\n"
	       "unlock, unencrypted, other key policy, no secure processor,\n"
	       "or its vTPM state (file 3) is unusable" },
	{ "6", "the paravisor got no control session, or could not read the "
	       "VMGS\n"
	       "through it" },
	{ "7",
	  "the paravisor VM's kernel (L1) failed: Oops, BUG, panic,\n"
	  "lockup or RCU stall in the log, quoted; not the guest's fault" },
	{ "8", "the guest stalled: no vCPU made progress for 120 s (every\n"
	       "vCPU halted with nothing to wake it); the paravisor logs what\n"
	       "each vCPU waits on" },
	{ "124", "--timeout expired; QEMU was stopped" },
	{ "130", "interrupted by SIGINT, SIGTERM or SIGHUP" },
	{ NULL, NULL },
};

static const struct usage_row run_files[] = {
	{ "$TMPDIR/mantle-run.XXXXXX/",
	  "payload disk, console and control sockets\n"
	  "and status file; removed on exit" },
	{ NULL, NULL },
};

static const struct usage_part run_page[] = {
	{ .text = "NAME\n"
		  "    mantle run - run a Linux guest under the Mantle "
		  "paravisor\n"
		  "\n"
		  "SYNOPSIS\n"
		  "    mantle run --kernel BZIMAGE [--initrd INITRD] "
		  "[--cmdline STR]\n"
		  "               [--cpus N] [--mem SIZE] [--timeout S] "
		  "[--accel tcg|kvm]\n"
		  "               [--pv-cpus N] [--log FILE] "
		  "[--paravisor-image DIR]\n"
		  "               [--vmgs FILE] [--vmgs-key-policy "
		  "default|measurement]\n"
		  "               [--vmgs-reprovision] [--hostile SPEC] "
		  "[--pipe NAME=SOCKET]...\n"
		  "               [--sp-state DIR] [--tpm crb|tis|none]\n"
		  "               [--stall-timeout SECONDS]\n"
		  "\n"
		  "DESCRIPTION\n"
		  "    Writes the guest payload (kernel, initrd, command "
		  "line, vCPU count,\n"
		  "    memory size) to a read-only virtio-blk disk, starts "
		  "qemu-system-x86_64\n"
		  "    with the paravisor VM (1 vCPU under tcg, 2 under kvm; "
		  "guest memory\n"
		  "    + 512M), and waits for it. Inside, mantle-paravisor "
		  "boots the guest\n"
		  "    with KVM. It watches the paravisor VM kernel's "
		  "messages in the log:\n"
		  "    a kernel failure there ends the run (exit 7).\n"
		  "\n"
		  "    The guest console (its ttyS0) arrives on a "
		  "virtio-serial port and is\n"
		  "    copied to stdout, and nothing else is. The "
		  "paravisor's messages, the\n"
		  "    paravisor VM kernel's messages, QEMU's own messages "
		  "and the launch\n"
		  "    measurement go to the log file. stdin is not read.\n"
		  "\n"
		  "    A third port, mantle.control, carries the versioned "
		  "control channel\n"
		  "    (hostif/SPEC.md) to the host services in this "
		  "process: the VMGS block\n"
		  "    service, host events, the paravisor's LOG lines and "
		  "the --pipe byte\n"
		  "    streams. Everything the host sends there is hostile "
		  "input to the\n"
		  "    paravisor; the counters of what both sides saw go to "
		  "the log.\n"
		  "\n"
		  "OPTIONS\n" },
	{ .rows = run_options, .width = 19 },
	{ .text = "\nHOSTILE SPEC\n", .print = services_hostile_usage },
	{ .text = "\nEXIT STATUS\n" },
	{ .rows = run_exits, .width = 5 },
	{ .text = "    On failure a one-line reason and the paravisor's own "
		  "log lines are\n"
		  "    printed on stderr.\n"
		  "\n"
		  "FILES\n" },
	{ .rows = run_files, .width = 28 },
	{ .text = "\n"
		  "EXAMPLE\n"
		  "    mantle run --kernel build/guest/vmlinuz \\\n"
		  "        --initrd build/guest/initramfs.cpio.gz --cpus 2 "
		  "--mem 256M \\\n"
		  "        --timeout 120 --log /tmp/pv.log\n" },
	{ 0 },
};

static const struct usage_part measure_page[] = {
	{ .text = "NAME\n"
		  "    mantle measure - compute Mantle's measurements "
		  "offline\n"
		  "\n"
		  "SYNOPSIS\n"
		  "    mantle measure --paravisor-image DIR [--mem SIZE] "
		  "[run options]\n"
		  "    mantle measure --kernel BZIMAGE [--initrd INITRD] "
		  "[--cmdline STR]\n"
		  "                   [--cpus N] [--mem SIZE] [--pcrs] "
		  "[--event-log FILE]\n"
		  "                   [run options]\n"
		  "\n"
		  "DESCRIPTION\n"
		  "    Takes the options of mantle run and prints, without "
		  "starting anything:\n"
		  "    with --paravisor-image, the launch measurement of "
		  "that paravisor VM\n"
		  "    image and the configuration mantle run would give it "
		  "(derived from\n"
		  "    --mem), as \"MEASURE launch=<sha384>\"; with "
		  "--kernel, the guest payload\n"
		  "    events the paravisor logs when it loads that payload "
		  "(kernel, initrd,\n"
		  "    command line, ACPI tables for --cpus and --mem, e820 "
		  "memory map for\n"
		  "    --mem), one \"MEASURE event=\" line each.\n"
		  "    Both may be given. The encoding is "
		  "paravisor/MEASUREMENT.md.\n"
		  "    --accel and --pv-cpus set the paravisor VM's vCPU "
		  "count, which the\n"
		  "    launch measurement covers, and --vmgs-key-policy "
		  "measurement its\n"
		  "    command line; --tpm tis or none names itself there "
		  "too, and sets the\n"
		  "    guest's ACPI tables (TPM0, the TPM2 table); --timeout "
		  "and --log are\n"
		  "    accepted and change nothing.\n"
		  "\n"
		  "    On the nested platform the launch measurement is what "
		  "the untrusted\n"
		  "    host computes in the PSP's role; it is not a hardware "
		  "measurement.\n"
		  "\n"
		  "OPTIONS\n"
		  "    As mantle run (see mantle run --help), and, with "
		  "--kernel:\n"
		  "    --pcrs\n"
		  "        Also print the PCR values the vTPM holds after "
		  "the paravisor\n"
		  "        extends these events, both banks, one \"PCR "
		  "sha256:<n>=<hex>\"\n"
		  "        (then sha384) line per PCR the events extend.\n"
		  "    --event-log FILE\n"
		  "        Write the TCG PC Client crypto-agile event log of "
		  "these events\n"
		  "        (what the guest reads from binary_bios_"
		  "measurements) to FILE.\n"
		  "    Encoding: paravisor/MEASUREMENT.md, \"Level 2 in the "
		  "TPM\".\n"
		  "\n"
		  "EXIT STATUS\n"
		  "    0 printed, 1 bad option or unreadable file.\n" },
	{ 0 },
};

void main_usage(FILE *out)
{
	usage_print(out, main_page);
}

void run_usage(FILE *out)
{
	usage_print(out, run_page);
}

void measure_usage(FILE *out)
{
	usage_print(out, measure_page);
}
