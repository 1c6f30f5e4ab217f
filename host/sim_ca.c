// SPDX-License-Identifier: MIT
/* `mantle sim-ca`: the simulated secure processor's ASK and ARK as PEM. */
#define _GNU_SOURCE
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "log.h"
#include "sp.h"

static const char sim_ca_page[] =
	"NAME\n"
	"    mantle sim-ca - export the simulated secure processor's CA\n"
	"\n"
	"SYNOPSIS\n"
	"    mantle sim-ca [--sp-state DIR] --out FILE\n"
	"\n"
	"DESCRIPTION\n"
	"    Writes the ASK and the ARK of the simulated chip in DIR, as PEM,\n"
	"    to FILE (by running mantle-sp --state DIR --export-ca FILE; the\n"
	"    chain is made on first use). mantle-verify snp-report --ca FILE\n"
	"    accepts reports of that chip, marked simulated, only with this\n"
	"    file. It is a simulator's CA: AMD's roots never accept them.\n"
	"\n"
	"OPTIONS\n"
	"    --sp-state DIR   the state directory, as for mantle run\n"
	"                     (default: $XDG_DATA_HOME/mantle/sp or\n"
	"                     ~/.local/share/mantle/sp)\n"
	"    --out FILE       where the PEM goes (required)\n"
	"    -h, --help       this text\n"
	"\n"
	"EXIT STATUS\n"
	"    0 written; 1 usage error, mantle-sp missing or failed.\n";

void sim_ca_usage(FILE *out)
{
	fputs(sim_ca_page, out);
}

int cmd_sim_ca(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "sp-state", required_argument, NULL, 's' },
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *state = NULL, *out = NULL;
	char def[PATH_MAX], bin[PATH_MAX];
	int c, r;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'h') {
			sim_ca_usage(stdout);
			return 0;
		}
		if (c != 's' && c != 'o')
			return mantle_cmd_err("sim-ca", "see mantle sim-ca "
							"--help\n"),
			       1;
		if (!*optarg)
			return mantle_cmd_err("sim-ca", "empty path\n"), 1;
		*(c == 's' ? &state : &out) = optarg;
	}
	if (optind != argc || !out) {
		mantle_cmd_err("sim-ca", "--out FILE is required (see mantle "
					 "sim-ca --help)\n");
		return 1;
	}
	if (!state &&
	    (sp_default_state(def, sizeof(def)) || sp_mkdir_parents(def))) {
		mantle_cmd_err("sim-ca", "no default state directory (set "
					 "HOME or use --sp-state)\n");
		return 1;
	}
	if (sp_find(bin, sizeof(bin))) {
		mantle_cmd_err("sim-ca", "no %s beside mantle\n", SP_BIN);
		return 1;
	}
	r = sp_export_ca(bin, state ? state : def, out);
	if (r)
		mantle_cmd_err("sim-ca", "%s failed (%d)\n", SP_BIN, r);
	return r ? 1 : 0;
}
