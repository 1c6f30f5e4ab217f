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

int main(void)
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
