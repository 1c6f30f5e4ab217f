// SPDX-License-Identifier: MIT
/*
 * mantle-memscan: an in-guest test tool for the isolation proof (issue 5,
 * paravisor/vmm/README.md "Isolation proof"). It reads every RAM segment of
 * /proc/kcore (the guest kernel's view of all of the guest's physical RAM)
 * and counts the places where a pattern occurs, and where a canary occurs
 * that the tool planted in its own heap first, as the positive control that
 * the scan really sees the guest's memory.
 *
 * The pattern comes masked (PATTERN xor MASK, and MASK) and is compared
 * byte by byte through the mask, so that the pattern itself never sits in
 * guest memory (on the command line, in a script, in this process) where
 * the scan would find it.
 *
 * Exit: 0 canary found, pattern not; 1 pattern found; 2 canary not found
 * (the scan proves nothing); 3 /proc/kcore unusable; 64 usage.
 */
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "mantle_hex.h"

#define MAX_PAT 64
#define CANARY_LEN 32
#define CHUNK (1u << 20)
#define MAX_PHDRS 4096
/* Segments at or above this are the kernel text alias (the same RAM). */
#define KTEXT_BASE 0xffffffff80000000ull
#define MAX_HITS_SHOWN 8
#define MAX_PATTERNS 4

/* Exit statuses (the usage text lists them too). */
enum {
	EXIT_CLEAN = 0, /* canary found, no pattern */
	EXIT_PATTERN = 1, /* a pattern found */
	EXIT_NO_CANARY = 2, /* the scan proves nothing */
	EXIT_KCORE = 3, /* kcore unusable */
	EXIT_USAGE = 64,
};

struct needle {
	char name[16];
	uint8_t x[MAX_PAT], m[MAX_PAT]; /* pattern = x ^ m */
	size_t len;
	uint64_t hits;
};

/* The command line: masked patterns as given, not yet parsed. */
struct args {
	const char *kcore;
	const char *px[MAX_PATTERNS], *pm[MAX_PATTERNS];
	size_t npx, npm;
};

/* What one run looks for and what it found. nd[0] is the canary. */
struct scan {
	struct needle nd[1 + MAX_PATTERNS];
	size_t nn;
	size_t overlap; /* bytes chunks overlap by: longest needle + shown */
	uint64_t scanned, segs;
};

static void usage(FILE *out)
{
	fputs("NAME\n"
	      "    mantle-memscan - scan all guest RAM for a pattern (test tool)\n"
	      "\nSYNOPSIS\n"
	      "    mantle-memscan [--pattern-xor HEX --mask HEX]... [--kcore PATH]\n"
	      "    mantle-memscan --help\n"
	      "\nDESCRIPTION\n"
	      "    Plants a random 32-byte canary in its own heap, then reads\n"
	      "    every RAM segment of /proc/kcore (ELF program headers with a\n"
	      "    physical address, below the kernel text alias) and counts\n"
	      "    where the canary and each pattern (up to 4) occur. A pattern\n"
	      "    is given masked: --pattern-xor is PATTERN xor MASK, the n-th\n"
	      "    --mask is its MASK (same length, 1 to 64 bytes, in hex), so\n"
	      "    that the pattern itself is never in guest memory. Prints the\n"
	      "    bytes scanned, every count, and for the first hits of a\n"
	      "    pattern their physical address and the 32 bytes that follow.\n"
	      "    Needs root.\n"
	      "\nOPTIONS\n"
	      "    --pattern-xor HEX   a pattern xor its mask (repeatable)\n"
	      "    --mask HEX          the mask of the same-numbered pattern\n"
	      "    --kcore PATH        the kcore file (default /proc/kcore)\n"
	      "    --help              this text\n"
	      "\nEXIT STATUS\n"
	      "    0 canary found, no pattern found; 1 a pattern found; 2 canary\n"
	      "    not found (the scan proves nothing); 3 kcore unusable;\n"
	      "    64 usage error.\n",
	      out);
}

static int parse_hex(const char *s, uint8_t *out, size_t *len)
{
	size_t n = strlen(s);

	if (n == 0 || n % 2 || n / 2 > MAX_PAT)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hex_nibble(s[2 * i]), lo = hex_nibble(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	*len = n / 2;
	return 0;
}

static int match(const struct needle *nd, const uint8_t *p)
{
	for (size_t k = 0; k < nd->len; k++)
		if ((uint8_t)(p[k] ^ nd->m[k]) != nd->x[k])
			return 0;
	return 1;
}

/* Count the needles in buf[0..n); positions at or past `limit` are left
 * for the next chunk (they overlap it). */
static void scan(struct needle *nd, size_t nn, const uint8_t *buf, size_t n,
		 size_t limit, uint64_t paddr)
{
	for (size_t j = 0; j < nn; j++) {
		uint8_t first = nd[j].x[0] ^ nd[j].m[0];
		const uint8_t *p = buf;

		while ((p = memchr(p, first, limit - (size_t)(p - buf)))) {
			size_t at = (size_t)(p - buf);

			if (at + nd[j].len <= n && match(&nd[j], p)) {
				if (j > 0 && nd[j].hits < MAX_HITS_SHOWN) {
					printf("memscan: %s hit at phys 0x%llx:",
					       nd[j].name,
					       (unsigned long long)(paddr +
								    at));
					for (size_t k = nd[j].len;
					     k < nd[j].len + 32 && at + k < n;
					     k++)
						printf("%02x", p[k]);
					printf("\n");
				}
				nd[j].hits++;
			}
			p++;
			if ((size_t)(p - buf) >= limit)
				break;
		}
	}
}

static int read_full(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *b = buf;

	while (len) {
		ssize_t r = pread(fd, b, len, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		b += r;
		off += (uint64_t)r;
		len -= (size_t)r;
	}
	return 0;
}

/* Scan one RAM segment in chunks that overlap by the longest needle. */
static int scan_segment(int fd, const Elf64_Phdr *ph, struct needle *nd,
			size_t nn, uint8_t *buf, size_t overlap)
{
	uint64_t done = 0;

	while (done < ph->p_memsz) {
		uint64_t left = ph->p_memsz - done;
		size_t n =
			left > CHUNK + overlap ? CHUNK + overlap : (size_t)left;
		size_t limit = left > CHUNK + overlap ? CHUNK : n;

		if (read_full(fd, buf, n, ph->p_offset + done) < 0)
			return -1;
		scan(nd, nn, buf, n, limit, ph->p_paddr + done);
		done += limit;
	}
	return 0;
}

/* -1 to go on, or the exit status to stop with (--help, usage error). */
static int parse_args(int argc, char **argv, struct args *a)
{
	a->kcore = "/proc/kcore";
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return EXIT_CLEAN;
		} else if (i + 1 < argc && a->npx < MAX_PATTERNS &&
			   !strcmp(argv[i], "--pattern-xor")) {
			a->px[a->npx++] = argv[++i];
		} else if (i + 1 < argc && a->npm < MAX_PATTERNS &&
			   !strcmp(argv[i], "--mask")) {
			a->pm[a->npm++] = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--kcore")) {
			a->kcore = argv[++i];
		} else {
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (a->npx != a->npm) {
		fprintf(stderr,
			"memscan: each --pattern-xor needs its --mask\n");
		return EXIT_USAGE;
	}
	return -1;
}

/* The patterns after the canary; 0 or EXIT_USAGE. */
static int add_patterns(const struct args *a, struct scan *sc)
{
	size_t mlen = 0;

	for (size_t j = 0; j < a->npx; j++, sc->nn++) {
		struct needle *d = &sc->nd[sc->nn];

		if (parse_hex(a->px[j], d->x, &d->len) < 0 ||
		    parse_hex(a->pm[j], d->m, &mlen) < 0 || mlen != d->len) {
			fprintf(stderr, "memscan: a pattern and its mask must "
					"be hex strings of the same length, 1 "
					"to 64 bytes\n");
			return EXIT_USAGE;
		}
		snprintf(d->name, sizeof(d->name), "pattern %zu", j + 1);
		if (d->len > sc->overlap)
			sc->overlap = d->len;
	}
	return 0;
}

/* The canary: random bytes in the heap, matched through a random mask like
 * the pattern. NULL if it cannot be made. */
static uint8_t *plant_canary(struct needle *nd)
{
	uint8_t *canary = malloc(CANARY_LEN);

	nd->len = CANARY_LEN;
	if (!canary || getrandom(canary, CANARY_LEN, 0) != CANARY_LEN ||
	    getrandom(nd->m, CANARY_LEN, 0) != CANARY_LEN) {
		fprintf(stderr, "memscan: cannot make the canary\n");
		return NULL;
	}
	for (size_t k = 0; k < CANARY_LEN; k++)
		nd->x[k] = canary[k] ^ nd->m[k];
	return canary;
}

/* The ELF header and program headers of kcore; NULL (said why) if it is
 * not a 64-bit ELF core. */
static Elf64_Phdr *read_phdrs(int fd, const char *kcore, Elf64_Ehdr *eh)
{
	Elf64_Phdr *ph;

	if (read_full(fd, eh, sizeof(*eh), 0) < 0 ||
	    memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh->e_phentsize != sizeof(Elf64_Phdr) || eh->e_phnum == 0 ||
	    eh->e_phnum > MAX_PHDRS) {
		fprintf(stderr, "memscan: %s is not a 64-bit ELF core\n",
			kcore);
		return NULL;
	}
	ph = calloc(eh->e_phnum, sizeof(*ph));
	if (!ph ||
	    read_full(fd, ph, eh->e_phnum * sizeof(*ph), eh->e_phoff) < 0) {
		fprintf(stderr, "memscan: cannot read the program headers\n");
		free(ph);
		return NULL;
	}
	return ph;
}

/* Scans every RAM segment (physical, below the kernel text alias). */
static int scan_ram(int fd, const Elf64_Phdr *ph, unsigned int phnum,
		    struct scan *sc)
{
	uint8_t *buf = malloc(CHUNK + sc->overlap);

	if (!buf) {
		/* The message it always had, from when one check covered both. */
		fprintf(stderr, "memscan: cannot read the program headers\n");
		return -1;
	}
	for (unsigned int i = 0; i < phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_paddr == UINT64_MAX ||
		    ph[i].p_vaddr >= KTEXT_BASE)
			continue;
		if (scan_segment(fd, &ph[i], sc->nd, sc->nn, buf, sc->overlap) <
		    0) {
			fprintf(stderr,
				"memscan: read of the segment at phys 0x%llx "
				"failed\n",
				(unsigned long long)ph[i].p_paddr);
			free(buf);
			return -1;
		}
		sc->segs++;
		sc->scanned += ph[i].p_memsz;
	}
	free(buf);
	return 0;
}

/* Reads kcore and scans it: 0 or EXIT_KCORE. */
static int scan_kcore(const char *kcore, struct scan *sc)
{
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;
	int fd = open(kcore, O_RDONLY | O_CLOEXEC), r;

	if (fd < 0) {
		fprintf(stderr, "memscan: %s: %s\n", kcore, strerror(errno));
		return EXIT_KCORE;
	}
	ph = read_phdrs(fd, kcore, &eh);
	r = ph ? scan_ram(fd, ph, eh.e_phnum, sc) : -1;
	free(ph);
	close(fd);
	return r < 0 ? EXIT_KCORE : 0;
}

/* Prints the counts; returns the exit status they mean. */
static int report(const struct scan *sc, const char *kcore)
{
	printf("memscan: scanned %llu bytes of RAM in %llu segments of %s\n",
	       (unsigned long long)sc->scanned, (unsigned long long)sc->segs,
	       kcore);
	printf("memscan: canary: found %llu\n",
	       (unsigned long long)sc->nd[0].hits);
	for (size_t j = 1; j < sc->nn; j++)
		printf("memscan: %s: found %llu\n", sc->nd[j].name,
		       (unsigned long long)sc->nd[j].hits);
	if (!sc->nd[0].hits)
		return EXIT_NO_CANARY;
	for (size_t j = 1; j < sc->nn; j++)
		if (sc->nd[j].hits)
			return EXIT_PATTERN;
	return EXIT_CLEAN;
}

int main(int argc, char **argv)
{
	struct scan sc = { .nd = { { .name = "canary" } },
			   .nn = 1,
			   .overlap = CANARY_LEN };
	struct args a = { 0 };
	uint8_t *canary;
	int r = parse_args(argc, argv, &a);

	if (r >= 0)
		return r;
	r = add_patterns(&a, &sc);
	if (r)
		return r;
	canary = plant_canary(&sc.nd[0]);
	if (!canary)
		return EXIT_KCORE;
	sc.overlap += 32; /* the bytes shown after a hit */
	r = scan_kcore(a.kcore, &sc);
	if (r)
		return r;
	r = report(&sc, a.kcore);
	/* Keep the canary alive up to here. */
	__asm__ volatile("" : : "r"(canary) : "memory");
	return r;
}
