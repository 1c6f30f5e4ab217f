// SPDX-License-Identifier: MIT
/* vmgstool: command-line parsing and dispatch. */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

static int parse_u64(const char *s, uint64_t *v)
{
	char *end;
	unsigned long long n;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || *end)
		return -1;
	*v = n;
	return 0;
}

static int parse_id(const char *s, unsigned *id, bool *set)
{
	if (vmgs_file_id_parse(s, id) != VMGS_OK)
		return fail_msg("'%s' is not a file id (0-63 or a name such "
				"as TPM_NVRAM)",
				s);
	*set = true;
	return 0;
}

static int parse_alg(const char *s, int *alg)
{
	if (strcmp(s, "AES_GCM") == 0)
		*alg = VMGS_ENC_AES_GCM;
	else if (strcmp(s, "NONE") == 0)
		*alg = VMGS_ENC_NONE;
	else
		return fail_msg("unknown encryption algorithm "
				"'%s' (AES_GCM or NONE)",
				s);
	return 0;
}

/*
 * Records one option of c (getopt's code opt, argument optarg) in a;
 * nonzero after reporting a bad or unknown one.
 */
static int set_option(const struct command *c, int opt, char **argv,
		      struct args *a)
{
	uint64_t n;

	switch (opt) {
	case 'f':
		a->file = optarg;
		break;
	case 's':
		if (parse_u64(optarg, &n))
			return fail_msg("bad --file-size '%s'", optarg);
		a->size = n;
		a->size_set = true;
		break;
	case 'k':
		a->key = optarg;
		break;
	case 'e':
		return parse_alg(optarg, &a->alg);
	case 'd':
		a->data = optarg;
		break;
	case 'i':
		return parse_id(optarg, &a->id, &a->id_set);
	case 'o':
		a->out = optarg;
		break;
	case 't':
		a->truncate = true;
		break;
	case 'n':
		/* -n means a different thing per subcommand. */
		if (c->run == cmd_update_key)
			a->new_key = optarg;
		else if (c->run == cmd_nvram_remove_entry)
			a->name = optarg;
		else
			a->dry_run = true;
		break;
	case 'v':
		a->vendor = optarg;
		break;
	case O_FORCE:
		a->force_create = true;
		break;
	case O_OVERWRITE:
		a->allow_overwrite = true;
		break;
	case O_RAW_STDOUT:
		a->raw_stdout = true;
		break;
	case O_SRC:
		return parse_id(optarg, &a->src, &a->src_set);
	case O_DST:
		return parse_id(optarg, &a->dst, &a->dst_set);
	case O_RAW:
		a->raw = true;
		break;
	case O_JSON:
		a->json = true;
		break;
	default:
		return fail_msg("%s: unknown or incomplete option "
				"'%s' (see vmgstool %s --help)",
				c->name, argv[optind - 1], c->name);
	}
	return 0;
}

/* Whether the option named by letter r (see struct command) was given. */
static bool has_option(const struct args *a, char r)
{
	switch (r) {
	case 'f':
		return a->file != NULL;
	case 'i':
		return a->id_set;
	case 'd':
		return a->data != NULL;
	case 'k':
		return a->key != NULL;
	case 'n':
		return a->new_key != NULL || a->name != NULL;
	case 'S':
		return a->src_set;
	case 'D':
		return a->dst_set;
	default:
		return true;
	}
}

static int parse(const struct command *c, int argc, char **argv, struct args *a)
{
	int opt, rc;

	memset(a, 0, sizeof(*a));
	a->alg = -1;
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, c->shortopts, c->longopts,
				  NULL)) != -1) {
		if (opt == 'h' || opt == O_HELP) {
			fputs(c->help, stdout);
			exit(EXIT_OK);
		}
		rc = set_option(c, opt, argv, a);
		if (rc)
			return rc;
	}
	if (optind < argc)
		return fail_msg("%s: unexpected argument '%s'", c->name,
				argv[optind]);
	for (const char *r = c->required; *r; r++)
		if (!has_option(a, *r))
			return fail_msg("%s: a required option is missing "
					"(see vmgstool %s --help)",
					c->name, c->name);
	return 0;
}

int main(int argc, char **argv)
{
	const struct command *c;
	const char *legacy = NULL;
	char name[64];
	struct args a;
	int i = 1;

	while (i < argc && argv[i][0] == '-') {
		legacy = legacy_command(argv[i]);
		if (legacy) {
			fprintf(stderr,
				"vmgstool: warning: '%s' is the old syntax; "
				"use '%s'\n",
				argv[i], legacy);
			legacy_rewrite_args(argc - i, argv + i);
			break;
		}
		if (!strcmp(argv[i], "-v") || !strcmp(argv[i], "--verbose")) {
			verbose = 1;
		} else if (!strcmp(argv[i], "-h") ||
			   !strcmp(argv[i], "--help")) {
			fputs(main_help, stdout);
			return EXIT_OK;
		} else if (!strcmp(argv[i], "-V") ||
			   !strcmp(argv[i], "--version")) {
			puts("vmgstool (Mantle) 1.0, VMGS format 3.0");
			return EXIT_OK;
		} else {
			fprintf(stderr, "vmgstool: unknown option '%s'\n",
				argv[i]);
			return EXIT_ERROR;
		}
		i++;
	}
	if (i >= argc) {
		fputs(main_help, stderr);
		return EXIT_ERROR;
	}
	if (!strcmp(argv[i], "help")) {
		c = i + 1 < argc ? find_command(argv[i + 1]) : NULL;
		fputs(c ? c->help : main_help, stdout);
		return EXIT_OK;
	}
	/* "uefi-nvram dump" is looked up as "uefi-nvram dump". */
	if (legacy) {
		snprintf(name, sizeof(name), "%s", legacy);
	} else if (!strcmp(argv[i], "uefi-nvram") && i + 1 < argc &&
		   argv[i + 1][0] != '-') {
		snprintf(name, sizeof(name), "uefi-nvram %s", argv[i + 1]);
		i++;
	} else {
		snprintf(name, sizeof(name), "%s", argv[i]);
	}
	c = find_command(name);
	if (!c) {
		fprintf(stderr,
			"vmgstool: unknown command '%s' (see vmgstool --help)\n",
			name);
		return EXIT_ERROR;
	}
	if (parse(c, argc - i, argv + i, &a))
		return EXIT_ERROR;
	return c->run(&a);
}
