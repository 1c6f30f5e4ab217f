// SPDX-License-Identifier: MIT
/*
 * mantle-sp: the simulated secure processor of the `nested` platform
 * (README.md, SPEC.md). `mantle run` starts one per VM with the IPC socket
 * on fd 3; `mantle sim-ca` runs it with --export-ca.
 */
#define _GNU_SOURCE
#include "sp.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char usage[] =
	"NAME\n"
	"    mantle-sp - the simulated secure processor of the nested platform\n"
	"\n"
	"SYNOPSIS\n"
	"    mantle-sp [--state DIR] --ipc-fd N\n"
	"    mantle-sp [--state DIR] --export-ca FILE\n"
	"    mantle-sp --help\n"
	"\n"
	"DESCRIPTION\n"
	"    One simulated AMD SEV-SNP chip per state directory. At LAUNCH it\n"
	"    measures the paravisor VM image itself (paravisor/MEASUREMENT.md)\n"
	"    and makes the four VMPCKs and the secrets page; then it answers\n"
	"    SNP guest requests sealed under a VMPCK (MSG_REPORT_REQ: reports\n"
	"    signed by the chip's VCEK; MSG_KEY_REQ: derived keys) and hands\n"
	"    out its certificate chain. `mantle run` starts one per VM with\n"
	"    the IPC socket on fd 3 (sp-simulator/SPEC.md); `mantle sim-ca`\n"
	"    runs --export-ca.\n"
	"\n"
	"    THIS IS A SIMULATION AND PROVES NOTHING. The chip's secrets are a\n"
	"    file of the host user, and on `nested` the secrets page, with\n"
	"    every VMPCK, passes through the untrusted host on its way to the\n"
	"    paravisor VM (which QEMU at L0 can read anyway). Every\n"
	"    certificate says O=Mantle and CHIP_ID starts with\n"
	"    \"MANTLE-SIMULATED\", so mantle-verify marks the evidence\n"
	"    \"simulated\" and AMD's roots never accept it.\n"
	"\n"
	"OPTIONS\n"
	"    --state DIR       the chip's state directory; default\n"
	"                      $XDG_DATA_HOME/mantle/sp, else\n"
	"                      ~/.local/share/mantle/sp. Created with mode 0700\n"
	"                      on first use (new root secret, ARK, ASK, VCEK);\n"
	"                      refused unless it is this user's, mode 0700. Two\n"
	"                      state directories are two different chips.\n"
	"    --ipc-fd N        serve the mantle <-> mantle-sp protocol on fd N,\n"
	"                      a SOCK_SEQPACKET socket, until the peer closes\n"
	"    --export-ca FILE  write the chip's ASK then ARK as PEM to FILE\n"
	"                      ('-': standard output), for mantle-verify --ca\n"
	"    --help            this text\n"
	"\n"
	"EXIT STATUS\n"
	"    0 done (the peer closed the socket, or the CA was written);\n"
	"    1 error, logged to standard error with the prefix \"mantle-sp:\";\n"
	"    2 usage error.\n";

struct opts {
	const char *state, *export_ca;
	int ipc_fd;
};

static int parse(int argc, char **argv, struct opts *o)
{
	static const struct option lo[] = {
		{ "state", required_argument, NULL, 's' },
		{ "ipc-fd", required_argument, NULL, 'f' },
		{ "export-ca", required_argument, NULL, 'e' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	long v;
	int c;

	memset(o, 0, sizeof(*o));
	o->ipc_fd = -1;
	while ((c = getopt_long(argc, argv, "", lo, NULL)) != -1) {
		switch (c) {
		case 's':
			o->state = optarg;
			break;
		case 'f':
			errno = 0;
			v = strtol(optarg, &end, 10);
			if (errno || *end || end == optarg || v < 0 ||
			    v > INT_MAX)
				return -1;
			o->ipc_fd = (int)v;
			break;
		case 'e':
			o->export_ca = optarg;
			break;
		case 'h':
			fputs(usage, stdout);
			exit(0);
		default:
			return -1;
		}
	}
	if (optind != argc || (o->ipc_fd < 0) == !o->export_ca)
		return -1;
	return 0;
}

static int write_out(const char *path, const uint8_t *buf, size_t len)
{
	int fd = strcmp(path, "-") ?
			 open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
			      0644) :
			 STDOUT_FILENO;
	size_t off = 0;

	while (fd >= 0 && off < len) {
		ssize_t n = write(fd, buf + off, len - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	if (fd < 0 || off != len || (fd != STDOUT_FILENO && close(fd))) {
		sp_log("cannot write %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int export_ca(const struct sp_chip *chip, const char *path)
{
	static uint8_t pem[SP_IPC_MAX_PAYLOAD];
	long n = sp_certs_ca_pem(chip, pem, sizeof(pem));

	if (n < 0) {
		sp_log_ssl("cannot export the CA");
		return -1;
	}
	return write_out(path, pem, (size_t)n);
}

int main(int argc, char **argv)
{
	const struct sp_reader reader = { sp_read_file, NULL };
	char def[PATH_MAX];
	struct sp_chip chip;
	struct sp sp;
	struct opts o;
	int rc;

	if (parse(argc, argv, &o)) {
		fputs("mantle-sp: usage: mantle-sp [--state DIR] (--ipc-fd N | "
		      "--export-ca FILE); see --help\n",
		      stderr);
		return 2;
	}
	if (!o.state) {
		if (sp_state_default(def, sizeof(def))) {
			sp_log("no --state and neither XDG_DATA_HOME nor HOME "
			       "is an absolute path");
			return 1;
		}
		o.state = def;
	}
	signal(SIGPIPE, SIG_IGN);
	if (sp_chip_open(&chip, o.state))
		return 1;
	if (o.export_ca) {
		rc = export_ca(&chip, o.export_ca);
	} else {
		sp_init(&sp, &chip, &reader);
		rc = sp_ipc_serve(&sp, o.ipc_fd);
		sp_fini(&sp);
	}
	sp_chip_close(&chip);
	return rc ? 1 : 0;
}
