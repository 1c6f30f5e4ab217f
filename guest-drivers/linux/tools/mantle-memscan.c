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

#define MAX_PAT 64
#define CANARY_LEN 32
#define CHUNK (1u << 20)
#define MAX_PHDRS 4096
/* Segments at or above this are the kernel text alias (the same RAM). */
#define KTEXT_BASE 0xffffffff80000000ull
#define MAX_HITS_SHOWN 8
#define MAX_PATTERNS 4

struct needle {
	char name[16];
	uint8_t x[MAX_PAT], m[MAX_PAT]; /* pattern = x ^ m */
	size_t len;
	uint64_t hits;
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

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int parse_hex(const char *s, uint8_t *out, size_t *len)
{
	size_t n = strlen(s);

	if (n == 0 || n % 2 || n / 2 > MAX_PAT)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

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

int main(int argc, char **argv)
{
	struct needle nd[1 + MAX_PATTERNS] = { { .name = "canary" } };
	const char *kcore = "/proc/kcore", *px[MAX_PATTERNS], *pm[MAX_PATTERNS];
	size_t nn = 1, npx = 0, npm = 0, mlen = 0, overlap = CANARY_LEN;
	uint64_t scanned = 0, segs = 0;
	uint8_t *canary, *buf;
	Elf64_Ehdr eh;
	Elf64_Phdr *ph;
	int fd;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--help")) {
			usage(stdout);
			return 0;
		} else if (i + 1 < argc && npx < MAX_PATTERNS &&
			   !strcmp(argv[i], "--pattern-xor")) {
			px[npx++] = argv[++i];
		} else if (i + 1 < argc && npm < MAX_PATTERNS &&
			   !strcmp(argv[i], "--mask")) {
			pm[npm++] = argv[++i];
		} else if (i + 1 < argc && !strcmp(argv[i], "--kcore")) {
			kcore = argv[++i];
		} else {
			usage(stderr);
			return 64;
		}
	}
	if (npx != npm) {
		fprintf(stderr,
			"memscan: each --pattern-xor needs its --mask\n");
		return 64;
	}
	for (size_t j = 0; j < npx; j++, nn++) {
		struct needle *d = &nd[nn];

		if (parse_hex(px[j], d->x, &d->len) < 0 ||
		    parse_hex(pm[j], d->m, &mlen) < 0 || mlen != d->len) {
			fprintf(stderr, "memscan: a pattern and its mask must "
					"be hex strings of the same length, 1 "
					"to 64 bytes\n");
			return 64;
		}
		snprintf(d->name, sizeof(d->name), "pattern %zu", j + 1);
		if (d->len > overlap)
			overlap = d->len;
	}

	/* The canary: random bytes in the heap, matched through a random
	 * mask like the pattern. */
	canary = malloc(CANARY_LEN);
	nd[0].len = CANARY_LEN;
	if (!canary || getrandom(canary, CANARY_LEN, 0) != CANARY_LEN ||
	    getrandom(nd[0].m, CANARY_LEN, 0) != CANARY_LEN) {
		fprintf(stderr, "memscan: cannot make the canary\n");
		return 3;
	}
	for (size_t k = 0; k < CANARY_LEN; k++)
		nd[0].x[k] = canary[k] ^ nd[0].m[k];

	fd = open(kcore, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "memscan: %s: %s\n", kcore, strerror(errno));
		return 3;
	}
	if (read_full(fd, &eh, sizeof(eh), 0) < 0 ||
	    memcmp(eh.e_ident, ELFMAG, SELFMAG) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || eh.e_phnum == 0 ||
	    eh.e_phnum > MAX_PHDRS) {
		fprintf(stderr, "memscan: %s is not a 64-bit ELF core\n",
			kcore);
		return 3;
	}
	ph = calloc(eh.e_phnum, sizeof(*ph));
	overlap += 32; /* the bytes shown after a hit */
	buf = malloc(CHUNK + overlap);
	if (!ph || !buf ||
	    read_full(fd, ph, eh.e_phnum * sizeof(*ph), eh.e_phoff) < 0) {
		fprintf(stderr, "memscan: cannot read the program headers\n");
		return 3;
	}
	for (unsigned int i = 0; i < eh.e_phnum; i++) {
		if (ph[i].p_type != PT_LOAD || ph[i].p_paddr == UINT64_MAX ||
		    ph[i].p_vaddr >= KTEXT_BASE)
			continue;
		if (scan_segment(fd, &ph[i], nd, nn, buf, overlap) < 0) {
			fprintf(stderr,
				"memscan: read of the segment at phys 0x%llx "
				"failed\n",
				(unsigned long long)ph[i].p_paddr);
			return 3;
		}
		segs++;
		scanned += ph[i].p_memsz;
	}
	close(fd);
	printf("memscan: scanned %llu bytes of RAM in %llu segments of %s\n",
	       (unsigned long long)scanned, (unsigned long long)segs, kcore);
	printf("memscan: canary: found %llu\n", (unsigned long long)nd[0].hits);
	for (size_t j = 1; j < nn; j++)
		printf("memscan: %s: found %llu\n", nd[j].name,
		       (unsigned long long)nd[j].hits);
	/* Keep the canary alive up to here. */
	__asm__ volatile("" : : "r"(canary) : "memory");
	if (!nd[0].hits)
		return 2;
	for (size_t j = 1; j < nn; j++)
		if (nd[j].hits)
			return 1;
	return 0;
}
