// SPDX-License-Identifier: MIT
/* Parsing of the `mantle run` / `mantle measure` options (hostile CLI input). */
#include "opts.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "log.h"
#include "mantle_hostif.h"

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
	mantle_err("invalid --%s '%s': %s\n", opt, val, why);
	return -1;
}

/* --log, --paravisor-image, --vmgs: any path but the empty one. */
static int set_path(const char *opt, const char *arg, const char **field)
{
	if (!*arg)
		return bad(opt, arg, "empty path");
	*field = arg;
	return 0;
}

static int set_kernel(struct mantle_opts *o, const char *arg)
{
	o->kernel = arg;
	return 0;
}

static int set_initrd(struct mantle_opts *o, const char *arg)
{
	o->initrd = arg;
	return 0;
}

static int set_cmdline(struct mantle_opts *o, const char *arg)
{
	if (strlen(arg) > MANTLE_MAX_CMDLINE)
		return bad("cmdline", "...", "longer than 4095 bytes");
	o->cmdline = arg;
	return 0;
}

static int set_cpus(struct mantle_opts *o, const char *arg)
{
	if (parse_uint(arg, 1, MANTLE_MAX_CPUS, &o->cpus))
		return bad("cpus", arg, "expected 1 to 8");
	return 0;
}

static int set_mem(struct mantle_opts *o, const char *arg)
{
	if (parse_size(arg, &o->mem_bytes))
		return bad("mem", arg, "expected a size such as 256M or 1G");
	if (o->mem_bytes < MANTLE_MIN_MEM || o->mem_bytes > MANTLE_MAX_MEM)
		return bad("mem", arg, "must be between 64M and 16G");
	if (o->mem_bytes % (2 * MANTLE_MIB))
		return bad("mem", arg, "must be a multiple of 2M");
	return 0;
}

static int set_timeout(struct mantle_opts *o, const char *arg)
{
	if (parse_uint(arg, 0, MANTLE_MAX_TIMEOUT, &o->timeout_s))
		return bad("timeout", arg, "expected seconds, 0 to 86400");
	return 0;
}

static int set_accel(struct mantle_opts *o, const char *arg)
{
	if (!strcmp(arg, "tcg"))
		o->accel = ACCEL_TCG;
	else if (!strcmp(arg, "kvm"))
		o->accel = ACCEL_KVM;
	else
		return bad("accel", arg, "expected tcg or kvm");
	return 0;
}

static int set_pv_cpus(struct mantle_opts *o, const char *arg)
{
	if (parse_uint(arg, 1, MANTLE_MAX_PV_CPUS, &o->pv_cpus))
		return bad("pv-cpus", arg, "expected 1 to 4");
	return 0;
}

static int set_log(struct mantle_opts *o, const char *arg)
{
	return set_path("log", arg, &o->log);
}

static int set_pv_image(struct mantle_opts *o, const char *arg)
{
	return set_path("paravisor-image", arg, &o->pv_image);
}

static int set_vmgs(struct mantle_opts *o, const char *arg)
{
	return set_path("vmgs", arg, &o->vmgs);
}

static int set_event_log(struct mantle_opts *o, const char *arg)
{
	return set_path("event-log", arg, &o->event_log);
}

static int set_vmgs_key_policy(struct mantle_opts *o, const char *arg)
{
	if (strcmp(arg, "default") && strcmp(arg, "measurement"))
		return bad("vmgs-key-policy", arg,
			   "expected default or measurement");
	o->vmgs_key_measurement = !strcmp(arg, "measurement");
	return 0;
}

/* --tpm crb|tis|none: the guest's vTPM interface. */
static int set_tpm(struct mantle_opts *o, const char *arg)
{
	static const char *const names[MANTLE_TPM_KINDS] = {
		[MANTLE_TPM_CRB] = "crb",
		[MANTLE_TPM_TIS] = "tis",
		[MANTLE_TPM_NONE] = "none",
	};

	for (int i = 0; i < MANTLE_TPM_KINDS; i++)
		if (!strcmp(arg, names[i])) {
			o->tpm = (enum mantle_tpm)i;
			return 0;
		}
	return bad("tpm", arg, "expected crb, tis or none");
}

/* --stall-timeout S: never 0 (mantle run must not wait forever on a
 * stalled guest), at least long enough for a vCPU dump. */
static int set_stall_timeout(struct mantle_opts *o, const char *arg)
{
	if (parse_uint(arg, MANTLE_MIN_STALL_S, MANTLE_MAX_STALL_S,
		       &o->stall_timeout_s))
		return bad("stall-timeout", arg, "expected 10 to 86400");
	return 0;
}

static int set_sp_state(struct mantle_opts *o, const char *arg)
{
	return set_path("sp-state", arg, &o->sp_state);
}

static int set_hostile(struct mantle_opts *o, const char *arg)
{
	/* The grammar is checked by hostif_hostile_parse. */
	if (!*arg || strlen(arg) > MANTLE_MAX_HOSTILE)
		return bad("hostile", "...", "empty or longer than 1024 bytes");
	o->hostile = arg;
	return 0;
}

_Static_assert(MANTLE_MAX_PIPES == HOSTIF_PIPE_MAX, "one pipe limit");
_Static_assert(MANTLE_PIPE_NAME_MAX == HOSTIF_PIPE_NAME_MAX, "one name limit");

/* --pipe NAME=SOCKET, repeatable: names valid and unique. */
static int set_pipe(struct mantle_opts *o, const char *arg)
{
	const char *eq = strchr(arg, '='), *why;
	struct mantle_pipe *p = &o->pipes[o->npipes];
	size_t n;

	if (!eq)
		return bad("pipe", arg, "expected NAME=SOCKET");
	n = (size_t)(eq - arg);
	if (hostif_pipe_name_check(arg, n, &why)) {
		mantle_err("invalid --pipe '%s': pipe name: %s (1 to 15 of "
			   "a-z 0-9 _ -)\n",
			   arg, why);
		return -1;
	}
	if (!eq[1])
		return bad("pipe", arg, "empty socket path");
	if (strlen(eq + 1) > MANTLE_PIPE_PATH_MAX)
		return bad("pipe", arg, "socket path longer than 107 bytes");
	for (unsigned int i = 0; i < o->npipes; i++)
		if (strlen(o->pipes[i].name) == n &&
		    !memcmp(o->pipes[i].name, arg, n))
			return bad("pipe", arg, "pipe name given twice");
	if (o->npipes == MANTLE_MAX_PIPES)
		return bad("pipe", arg, "more than 16 pipes");
	memset(p->name, 0, sizeof(p->name));
	memcpy(p->name, arg, n);
	p->path = eq + 1;
	o->npipes++;
	return 0;
}

/* Every option with a value, in the order of `mantle run --help`; the
 * getopt_long table is built from it (opts_longopts). */
static const struct opt_row {
	const char *name;
	int (*set)(struct mantle_opts *o, const char *arg);
} opt_rows[] = {
	{ "kernel", set_kernel },
	{ "initrd", set_initrd },
	{ "cmdline", set_cmdline },
	{ "cpus", set_cpus },
	{ "mem", set_mem },
	{ "timeout", set_timeout },
	{ "accel", set_accel },
	{ "pv-cpus", set_pv_cpus },
	{ "log", set_log },
	{ "paravisor-image", set_pv_image },
	{ "vmgs", set_vmgs },
	{ "hostile", set_hostile },
	{ "pipe", set_pipe },
	{ "vmgs-key-policy", set_vmgs_key_policy },
	{ "sp-state", set_sp_state },
	{ "event-log", set_event_log },
	{ "tpm", set_tpm },
	{ "stall-timeout", set_stall_timeout },
};

#define N_OPT_ROWS (sizeof(opt_rows) / sizeof(opt_rows[0]))
/* getopt_long's value of row i; above every short option. */
#define OPT_ROW_VAL(i) (256 + (int)(i))

/* The getopt_long table of opt_rows, then the flags, then the end. */
static void opts_longopts(struct option *lo)
{
	for (size_t i = 0; i < N_OPT_ROWS; i++)
		lo[i] = (struct option){ opt_rows[i].name, required_argument,
					 NULL, OPT_ROW_VAL(i) };
	lo[N_OPT_ROWS] = (struct option){ "help", no_argument, NULL, 'h' };
	lo[N_OPT_ROWS + 1] =
		(struct option){ "vmgs-reprovision", no_argument, NULL, 'R' };
	lo[N_OPT_ROWS + 2] = (struct option){ "pcrs", no_argument, NULL, 'P' };
	lo[N_OPT_ROWS + 3] = (struct option){ NULL, 0, NULL, 0 };
}

static void opts_defaults(struct mantle_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->cmdline = MANTLE_DEFAULT_CMDLINE;
	o->cpus = 1;
	o->mem_bytes = MANTLE_DEFAULT_MEM;
	o->accel = ACCEL_TCG;
	o->log = MANTLE_DEFAULT_LOG;
}

/* One getopt_long result c (its argument in optarg). 0, 1 for --help, or -1
 * with a message. */
static int opts_apply(int c, char **argv, struct mantle_opts *o)
{
	if (c >= OPT_ROW_VAL(0) && c < OPT_ROW_VAL(N_OPT_ROWS))
		return opt_rows[c - OPT_ROW_VAL(0)].set(o, optarg);
	if (c == 'h') {
		o->help = 1;
		return 1;
	}
	if (c == 'R') {
		o->vmgs_reprovision = 1;
		return 0;
	}
	if (c == 'P') {
		o->pcrs = 1;
		return 0;
	}
	if (c == ':')
		mantle_err("option %s needs a value\n", argv[optind - 1]);
	else
		mantle_err("unknown option '%s'\n", argv[optind - 1]);
	return -1;
}

int opts_parse(int argc, char **argv, struct mantle_opts *o)
{
	struct option longopts[N_OPT_ROWS + 4];
	int c, r;

	opts_longopts(longopts);
	opts_defaults(o);
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:h", longopts, NULL)) != -1) {
		r = opts_apply(c, argv, o);
		if (r)
			return r < 0 ? -1 : 0;
	}
	if (optind < argc) {
		mantle_err("unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if ((o->pcrs || o->event_log) && strcmp(argv[0], "measure")) {
		mantle_err("--pcrs and --event-log are options of mantle "
			   "measure\n");
		return -1;
	}
	return 0;
}
