// SPDX-License-Identifier: MIT
/*
 * io-hammer PORT COUNT: a guest that hammers a port nobody emulates, for
 * tests/integration/paravisor_boot.sh. COUNT single reads and COUNT single
 * writes (one VM exit each), then COUNT string reads and writes of 4 KiB
 * (rep insb/outsb: one exit carries many items). Test-only, static, run as
 * an rc.d script's child in the busybox guest.
 */
#include <stdio.h>
#include <stdlib.h>
#include <sys/io.h>
#include <time.h>

static unsigned long long now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (unsigned long long)t.tv_sec * 1000 +
	       (unsigned long long)t.tv_nsec / 1000000;
}

int main(int argc, char **argv)
{
	static unsigned char buf[4096];
	unsigned long port, count, reads = 0, writes = 0;
	unsigned long long t0;

	if (argc != 3) {
		fprintf(stderr, "usage: io-hammer PORT COUNT\n");
		return 2;
	}
	port = strtoul(argv[1], NULL, 0);
	count = strtoul(argv[2], NULL, 0);
	if (port > 0xFFFF || ioperm(port, 1, 1) < 0) {
		perror("io-hammer: ioperm");
		return 1;
	}
	t0 = now_ms();
	for (unsigned long i = 0; i < count; i++) {
		reads += inb((unsigned short)port) == 0xFF;
		outb(0x5A, (unsigned short)port);
		writes++;
	}
	for (unsigned long i = 0; i < count / 1000 + 1; i++) {
		insb((unsigned short)port, buf, sizeof(buf));
		outsb((unsigned short)port, buf, sizeof(buf));
		reads += sizeof(buf);
		writes += sizeof(buf);
	}
	printf("io-hammer: port 0x%lx: %lu reads (all ones: %s), %lu writes "
	       "in %llu ms\n",
	       port, reads, buf[0] == 0xFF ? "yes" : "no", writes,
	       now_ms() - t0);
	return 0;
}
