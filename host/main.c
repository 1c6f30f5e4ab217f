// SPDX-License-Identifier: MIT
/* `mantle`: the host launcher (untrusted side). Dispatches subcommands. */
#include <stdio.h>
#include <string.h>

#include "commands.h"
#include "log.h"

int main(int argc, char **argv)
{
	if (argc < 2) {
		main_usage(stderr);
		return 1;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		main_usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "run"))
		return cmd_run(argc - 1, argv + 1);
	if (!strcmp(argv[1], "sim-ca"))
		return cmd_sim_ca(argc - 1, argv + 1);
	if (!strcmp(argv[1], "measure"))
		return cmd_measure(argc - 1, argv + 1);
	mantle_err("unknown command '%s' (see mantle --help)\n", argv[1]);
	return 1;
}
