// SPDX-License-Identifier: MIT
/*
 * The older single-dash syntax operators' scripts still use, e.g.
 * "vmgstool -c -filepath x.vmgs -filesize 4194304": rewritten to the
 * current spelling (with a warning) before normal parsing.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cli.h"

static const char *const legacy_cmds[][2] = {
	{ "-c", "create" },	   { "-create", "create" },
	{ "-w", "write" },	   { "-write", "write" },
	{ "-r", "dump" },	   { "-dump", "dump" },
	{ "-rh", "dump-headers" }, { "-dumpheaders", "dump-headers" },
	{ "-qs", "query-size" },   { "-querysize", "query-size" },
	{ "-uk", "update-key" },   { "-updatekey", "update-key" },
	{ "-e", "encrypt" },	   { "-encrypt", "encrypt" },
};

static const char *const legacy_args[][2] = {
	{ "-filepath", "--file-path" },
	{ "-filesize", "--file-size" },
	{ "-fileid", "--file-id" },
	{ "-datapath", "--data-path" },
	{ "-ow", "--allow-overwrite" },
	{ "-allowoverwrite", "--allow-overwrite" },
	{ "-keypath", "--key-path" },
	{ "-newkeypath", "--new-key-path" },
	{ "-ea", "--encryption-algorithm" },
	{ "-encryptionalgorithm", "--encryption-algorithm" },
	{ "-fc", "--force-create" },
	{ "-forcecreate", "--force-create" },
};

const char *legacy_command(const char *arg)
{
	for (size_t i = 0; i < sizeof(legacy_cmds) / sizeof(legacy_cmds[0]);
	     i++)
		if (!strcasecmp(arg, legacy_cmds[i][0]))
			return legacy_cmds[i][1];
	return NULL;
}

void legacy_rewrite_args(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		for (size_t k = 0;
		     k < sizeof(legacy_args) / sizeof(legacy_args[0]); k++) {
			if (!strcasecmp(argv[i], legacy_args[k][0])) {
				/* argv strings are ours to repoint. */
				argv[i] = (char *)legacy_args[k][1];
				break;
			}
		}
	}
}
