// SPDX-License-Identifier: MIT
/*
 * pvbus-probe: a test-only guest of the pv bus, run inside a Linux guest
 * (an rc.d executable of tests/integration/paravisor_pvbus.sh) without a
 * bus driver: it finds the bus through CPUID (mtl_discovery_decode()),
 * maps the bus area through /dev/mem, rings the doorbell with OUT (ioperm)
 * and speaks to the control channel with protocol/src's ring code. Each
 * step prints one "pvbus-probe:" line; the script checks them.
 */
#include <cpuid.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <unistd.h>

#include "mantle_discovery.h"
#include "mantle_pipe.h"
#include "mantle_proto.h"
#include "mantle_ring.h"

static struct mtl_discovery d;
static uint8_t *area;
static struct mtl_ring tx, rx;
static uint64_t pkt[MTL_CONTROL_MAX_RECORD / 8];
static uint64_t txid;

static int find_block(void)
{
	for (uint32_t base = 0x40000100; base < 0x40010000; base += 0x100) {
		struct mtl_cpuid_regs r[5];

		for (uint32_t i = 0; i < 5; i++)
			__cpuid(base + i, r[i].eax, r[i].ebx, r[i].ecx,
				r[i].edx);
		if (!mtl_cpuid_is_signature(&r[0]))
			continue;
		return mtl_discovery_decode(base, r, &d);
	}
	return -1;
}

static void doorbell(uint32_t v)
{
	outl(v, (unsigned short)d.doorbell_addr);
}

static int all_zero(void)
{
	for (size_t i = 0; i < MTL_BUS_AREA_SIZE(d.bus_ring_log2); i++)
		if (area[i])
			return 0;
	return 1;
}

static void rings_init(void)
{
	mtl_ring_init(&tx, area + MTL_BUS_G2P_OFFSET, d.bus_ring_log2,
		      MTL_CONTROL_MAX_RECORD, MTL_RING_PRODUCER, 0);
	mtl_ring_init(&rx, area + MTL_BUS_P2G_OFFSET(d.bus_ring_log2),
		      d.bus_ring_log2, MTL_CONTROL_MAX_RECORD,
		      MTL_RING_CONSUMER, 0);
}

/* Send one request and ring; the doorbell traps synchronously, so the
 * answer is there when outl returns. */
static void ctl_send(void *p, uint16_t type, uint32_t size)
{
	struct mtl_pkt_hdr *h = p;

	h->type = type;
	h->flags = MTL_PKT_F_COMPLETION_REQUESTED;
	h->len8 = (uint16_t)(size / 8);
	h->reserved = 0;
	h->txid = ++txid;
	if (mtl_ring_write(&tx, p, size, NULL, 0) != MTL_RING_OK)
		printf("pvbus-probe: control ring write failed\n");
	mtl_ring_flush(&tx);
	doorbell(MTL_CHANNEL_CONTROL);
}

static int ctl_recv(uint32_t *len)
{
	int r = mtl_ring_read(&rx, pkt, sizeof(pkt), len);

	if (mtl_ring_done(&rx))
		doorbell(MTL_CHANNEL_CONTROL);
	return r == MTL_RING_OK ? 0 : -1;
}

static void negotiate(const char *when)
{
	struct mtl_msg_version_request req;
	const struct mtl_msg_version_response *resp = (const void *)pkt;
	uint32_t len;

	memset(&req, 0, sizeof(req));
	req.nr_versions = 1;
	req.versions[0] = MTL_VERSION_1_0;
	req.features = MTL_F_KNOWN_1_0;
	ctl_send(&req, MTL_MSG_VERSION_REQUEST, sizeof(req));
	if (ctl_recv(&len) < 0 || resp->hdr.type != MTL_MSG_VERSION_RESPONSE) {
		printf("pvbus-probe: %s: no version response\n", when);
		return;
	}
	printf("pvbus-probe: %s: status %u version 0x%x features 0x%llx\n",
	       when, resp->status, resp->version,
	       (unsigned long long)resp->features);
}

static void offers(void)
{
	struct mtl_pkt_hdr h;
	const struct mtl_msg_offer *o = (const void *)pkt;
	const struct mtl_msg_offers_done *done = (const void *)pkt;
	uint32_t len, n = 0;

	memset(&h, 0, sizeof(h));
	ctl_send(&h, MTL_MSG_REQUEST_OFFERS, sizeof(h));
	while (ctl_recv(&len) == 0) {
		if (o->hdr.type == MTL_MSG_OFFER) {
			printf("pvbus-probe: offer channel %u class %u "
			       "instance %.16s\n",
			       o->channel_id, o->device_class,
			       (const char *)o->instance_id);
			n++;
		} else if (done->hdr.type == MTL_MSG_ALL_OFFERS_DELIVERED) {
			printf("pvbus-probe: offers %u of %u\n", n,
			       done->nr_offers);
			return;
		}
	}
	printf("pvbus-probe: offers: no ALL_OFFERS_DELIVERED\n");
}

/* A channel that does not exist, rings in guest RAM of this process. */
static void open_unknown(void)
{
	struct mtl_msg_open_channel m;
	const struct mtl_msg_result *r = (const void *)pkt;
	uint32_t len;

	memset(&m, 0, sizeof(m));
	m.channel_id = 77;
	m.class_version = MTL_VERSION_1_0;
	m.g2p_ring_gpa = 0x200000;
	m.p2g_ring_gpa = 0x210000;
	m.g2p_log2 = m.p2g_log2 = 4;
	m.max_record = 256;
	ctl_send(&m, MTL_MSG_OPEN_CHANNEL, sizeof(m));
	if (ctl_recv(&len) == 0 && r->hdr.type == MTL_MSG_OPEN_RESULT)
		printf("pvbus-probe: open 77: status %u\n", r->status);
	else
		printf("pvbus-probe: open 77: no result\n");
}

/*
 * End to end through a host pipe, when the script offers one and a peer
 * echoes on its socket: open channel id, send a line as PIPE_DATA, read it
 * back from P2G, close. The rings live in this process's locked memory:
 * two physically consecutive pages each, found through /proc/self/pagemap
 * anywhere in a pool and moved next to each other with mremap (the page
 * allocator hands out pages in no particular order, so virtually adjacent
 * pages are physically adjacent only by chance).
 */
#define PIPE_LOG2 4u
#define PIPE_MSG "hello through the mantle pipe"
#define POOL_PAGES 1024u

static uint64_t pfn_of(int pm, const void *va)
{
	uint64_t e = 0;

	if (pread(pm, &e, sizeof(e), (off_t)((uintptr_t)va / 4096 * 8)) != 8 ||
	    !(e >> 63))
		return 0;
	return e & ((1ull << 55) - 1);
}

/* Moves the pool pages at a and b (b physically after a) to a fresh
 * two-page virtual range; its address, or NULL. */
static uint8_t *join_pages(uint8_t *a, uint8_t *b)
{
	uint8_t *to = mmap(NULL, 2 * 4096, PROT_NONE,
			   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (to == MAP_FAILED)
		return NULL;
	if (mremap(a, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, to) ==
		    MAP_FAILED ||
	    mremap(b, 4096, 4096, MREMAP_MAYMOVE | MREMAP_FIXED, to + 4096) ==
		    MAP_FAILED)
		return NULL;
	return to;
}

/* Two rings' memory (each 2 consecutive physical pages): 0 or -1. */
static int ring_pages(uint8_t **va, uint64_t *gpa)
{
	static uint64_t pfn[POOL_PAGES];
	uint8_t *pool = mmap(
		NULL, POOL_PAGES * 4096, PROT_READ | PROT_WRITE,
		MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE | MAP_LOCKED, -1, 0);
	int pm = open("/proc/self/pagemap", O_RDONLY), found = 0;

	if (pool == MAP_FAILED || pm < 0)
		return -1;
	for (unsigned i = 0; i < POOL_PAGES; i++)
		pfn[i] = pfn_of(pm, pool + i * 4096);
	for (unsigned i = 0; i < POOL_PAGES && found < 2; i++) {
		for (unsigned j = 0; pfn[i] && j < POOL_PAGES; j++) {
			if (pfn[j] != pfn[i] + 1)
				continue;
			va[found] =
				join_pages(pool + i * 4096, pool + j * 4096);
			if (!va[found] || pfn_of(pm, va[found]) != pfn[i] ||
			    pfn_of(pm, va[found] + 4096) != pfn[i] + 1)
				break;
			gpa[found++] = pfn[i] * 4096;
			pfn[i] = pfn[j] = 0; /* moved: never used again */
			break;
		}
	}
	close(pm);
	return found == 2 ? 0 : -1;
}

static void pipe_echo(uint32_t id)
{
	static uint64_t buf[4096 / 8];
	struct mtl_msg_open_channel m;
	struct mtl_msg_channel c;
	struct mtl_pipe_data *pd = (void *)buf;
	const struct mtl_msg_result *r = (const void *)pkt;
	struct mtl_ring ptx, prx;
	char got[64] = "";
	size_t n = 0;
	uint32_t len,
		size = (uint32_t)((sizeof(*pd) + strlen(PIPE_MSG) + 7) & ~7u);
	uint8_t *va[2];
	uint64_t gpa[2];

	if (ring_pages(va, gpa)) {
		printf("pvbus-probe: pipe %u: no ring memory\n", id);
		return;
	}
	mtl_ring_area_init(va[0], PIPE_LOG2);
	mtl_ring_area_init(va[1], PIPE_LOG2);
	mtl_ring_init(&ptx, va[0], PIPE_LOG2, 512, MTL_RING_PRODUCER, 0);
	mtl_ring_init(&prx, va[1], PIPE_LOG2, 512, MTL_RING_CONSUMER, 0);
	memset(&m, 0, sizeof(m));
	m.channel_id = id;
	m.class_version = MTL_VERSION_1_0;
	m.g2p_ring_gpa = gpa[0];
	m.p2g_ring_gpa = gpa[1];
	m.g2p_log2 = m.p2g_log2 = PIPE_LOG2;
	m.max_record = 512;
	ctl_send(&m, MTL_MSG_OPEN_CHANNEL, sizeof(m));
	if (ctl_recv(&len) || r->hdr.type != MTL_MSG_OPEN_RESULT) {
		printf("pvbus-probe: pipe %u: no open result\n", id);
		return;
	}
	printf("pvbus-probe: pipe %u: open status %u\n", id, r->status);
	memset(buf, 0, sizeof(buf));
	pd->hdr.type = MTL_MSG_PIPE_DATA;
	pd->hdr.len8 = (uint16_t)(size / 8);
	pd->byte_count = (uint32_t)strlen(PIPE_MSG);
	memcpy(pd->data, PIPE_MSG, strlen(PIPE_MSG));
	mtl_ring_write(&ptx, pd, size, NULL, 0);
	mtl_ring_flush(&ptx);
	doorbell(id);
	/* Poll P2G for the echo (no interrupt handler here): 10 s at most. */
	for (int i = 0; i < 1000 && n < strlen(PIPE_MSG); i++) {
		while (mtl_ring_read(&prx, buf, sizeof(buf), &len) ==
		       MTL_RING_OK) {
			if (pd->hdr.type != MTL_MSG_PIPE_DATA ||
			    mtl_pipe_data_check(pd, len) != MTL_STATUS_OK ||
			    pd->byte_count > sizeof(got) - 1 - n)
				continue;
			memcpy(got + n, pd->data, pd->byte_count);
			n += pd->byte_count;
		}
		if (mtl_ring_done(&prx))
			doorbell(id);
		usleep(10000);
	}
	printf("pvbus-probe: pipe %u: echo '%s'\n", id, got);
	memset(&c, 0, sizeof(c));
	c.channel_id = id;
	ctl_send(&c, MTL_MSG_CLOSE_CHANNEL, sizeof(c));
	while (ctl_recv(&len) == 0 && r->hdr.type != MTL_MSG_CLOSE_RESULT)
		;
	printf("pvbus-probe: pipe %u: closed\n", id);
}

/* Hostile bits: a doorbell for no channel, an unknown control type. */
static void hostile(void)
{
	struct mtl_pkt_hdr h;
	uint32_t len;

	doorbell(12345);
	memset(&h, 0, sizeof(h));
	ctl_send(&h, 0x00EE, sizeof(h));
	printf("pvbus-probe: unknown type answered: %s\n",
	       ctl_recv(&len) == 0 ? "yes" : "no");
}

int main(int argc, char **argv)
{
	int fd;

	if (find_block() < 0 || !d.has_bus ||
	    d.doorbell_kind != MTL_DOORBELL_PIO) {
		printf("pvbus-probe: no pv bus in CPUID\n");
		return 1;
	}
	printf("pvbus-probe: bus 0x%llx ring-log2 %u gsi %u doorbell pio 0x%llx\n",
	       (unsigned long long)d.bus_gpa, d.bus_ring_log2, d.bus_gsi,
	       (unsigned long long)d.doorbell_addr);
	fd = open("/dev/mem", O_RDWR | O_SYNC);
	area = fd < 0 ? MAP_FAILED :
			mmap(NULL, MTL_BUS_AREA_SIZE(d.bus_ring_log2),
			     PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			     (off_t)d.bus_gpa);
	if (area == MAP_FAILED ||
	    ioperm((unsigned long)d.doorbell_addr, 4, 1) < 0) {
		perror("pvbus-probe: /dev/mem or ioperm");
		return 1;
	}
	printf("pvbus-probe: area zero at start: %s\n",
	       all_zero() ? "yes" : "no");
	rings_init();
	negotiate("first");
	offers();
	if (argc == 2) /* pvbus-probe CHANNEL: a pipe echo on it */
		pipe_echo((uint32_t)strtoul(argv[1], NULL, 0));
	open_unknown();
	hostile();
	doorbell(MTL_DOORBELL_BUS_RESET);
	printf("pvbus-probe: area zero after bus reset: %s\n",
	       all_zero() ? "yes" : "no");
	rings_init();
	negotiate("after reset");
	printf("pvbus-probe: done\n");
	return 0;
}
