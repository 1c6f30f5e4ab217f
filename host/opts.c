// SPDX-License-Identifier: MIT
/* Parsing of the `mantle run` / `mantle measure` options (hostile CLI input). */
#include "opts.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

int parse_uint(const char *s, unsigned int min, unsigned int max,
	       unsigned int *out)
{
	uint64_t v = 0;

	if (!s || !*s)
		return -1;
	for (; *s; s++) {
		if (*s < '0' || *s > '9')
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
		if (v > max)
			return -1;
	}
	if (v < min)
		return -1;
	*out = (unsigned int)v;
	return 0;
}

int parse_size(const char *s, uint64_t *out)
{
	uint64_t v = 0, mult = MANTLE_MIB;
	int digits = 0;

	if (!s)
		return -1;
	for (; *s >= '0' && *s <= '9'; s++, digits++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*s - '0');
	}
	if (!digits)
		return -1;
	switch (*s) {
	case '\0':
		break;
	case 'B':
	case 'b':
		mult = 1;
		s++;
		break;
	case 'K':
	case 'k':
		mult = 1024;
		s++;
		break;
	case 'M':
	case 'm':
		mult = MANTLE_MIB;
		s++;
		break;
	case 'G':
	case 'g':
		mult = 1024 * MANTLE_MIB;
		s++;
		break;
	default:
		return -1;
	}
	if (*s)
		return -1;
	if (v > UINT64_MAX / mult)
		return -1;
	*out = v * mult;
	return 0;
}

static int bad(const char *opt, const char *val, const char *why)
{
	fprintf(stderr, "mantle: invalid %s '%s': %s\n", opt, val, why);
	return -1;
}

enum {
	OPT_KERNEL = 256,
	OPT_INITRD,
	OPT_CMDLINE,
	OPT_CPUS,
	OPT_MEM,
	OPT_TIMEOUT,
	OPT_ACCEL,
	OPT_LOG,
	OPT_PVIMAGE,
	OPT_VMGS,
	OPT_HOSTILE
};

int opts_parse(int argc, char **argv, struct mantle_opts *o)
{
	static const struct option longopts[] = {
		{ "kernel", required_argument, NULL, OPT_KERNEL },
		{ "initrd", required_argument, NULL, OPT_INITRD },
		{ "cmdline", required_argument, NULL, OPT_CMDLINE },
		{ "cpus", required_argument, NULL, OPT_CPUS },
		{ "mem", required_argument, NULL, OPT_MEM },
		{ "timeout", required_argument, NULL, OPT_TIMEOUT },
		{ "accel", required_argument, NULL, OPT_ACCEL },
		{ "log", required_argument, NULL, OPT_LOG },
		{ "paravisor-image", required_argument, NULL, OPT_PVIMAGE },
		{ "vmgs", required_argument, NULL, OPT_VMGS },
		{ "hostile", required_argument, NULL, OPT_HOSTILE },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->cmdline = MANTLE_DEFAULT_CMDLINE;
	o->cpus = 1;
	o->mem_bytes = MANTLE_DEFAULT_MEM;
	o->accel = ACCEL_TCG;
	o->log = MANTLE_DEFAULT_LOG;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		switch (c) {
		case OPT_KERNEL:
			o->kernel = optarg;
			break;
		case OPT_INITRD:
			o->initrd = optarg;
			break;
		case OPT_CMDLINE:
			if (strlen(optarg) > MANTLE_MAX_CMDLINE)
				return bad("--cmdline", "...",
					   "longer than 4095 bytes");
			o->cmdline = optarg;
			break;
		case OPT_CPUS:
			if (parse_uint(optarg, 1, MANTLE_MAX_CPUS, &o->cpus))
				return bad("--cpus", optarg, "expected 1 to 8");
			break;
		case OPT_MEM:
			if (parse_size(optarg, &o->mem_bytes))
				return bad(
					"--mem", optarg,
					"expected a size such as 256M or 1G");
			if (o->mem_bytes < MANTLE_MIN_MEM ||
			    o->mem_bytes > MANTLE_MAX_MEM)
				return bad("--mem", optarg,
					   "must be between 64M and 16G");
			if (o->mem_bytes % (2 * MANTLE_MIB))
				return bad("--mem", optarg,
					   "must be a multiple of 2M");
			break;
		case OPT_TIMEOUT:
			if (parse_uint(optarg, 0, MANTLE_MAX_TIMEOUT,
				       &o->timeout_s))
				return bad("--timeout", optarg,
					   "expected seconds, 0 to 86400");
			break;
		case OPT_ACCEL:
			if (!strcmp(optarg, "tcg"))
				o->accel = ACCEL_TCG;
			else if (!strcmp(optarg, "kvm"))
				o->accel = ACCEL_KVM;
			else
				return bad("--accel", optarg,
					   "expected tcg or kvm");
			break;
		case OPT_LOG:
			if (!*optarg)
				return bad("--log", optarg, "empty path");
			o->log = optarg;
			break;
		case OPT_PVIMAGE:
			if (!*optarg)
				return bad("--paravisor-image", optarg,
					   "empty path");
			o->pv_image = optarg;
			break;
		case OPT_VMGS:
			if (!*optarg)
				return bad("--vmgs", optarg, "empty path");
			o->vmgs = optarg;
			break;
		case OPT_HOSTILE:
			/* The grammar is checked by hostif_hostile_parse. */
			if (!*optarg || strlen(optarg) > MANTLE_MAX_HOSTILE)
				return bad("--hostile", "...",
					   "empty or longer than 1024 bytes");
			o->hostile = optarg;
			break;
		case 'h':
			o->help = 1;
			return 0;
		case ':':
			fprintf(stderr, "mantle: option %s needs a value\n",
				argv[optind - 1]);
			return -1;
		default:
			fprintf(stderr, "mantle: unknown option '%s'\n",
				argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "mantle: unexpected argument '%s'\n",
			argv[optind]);
		return -1;
	}
	return 0;
}
