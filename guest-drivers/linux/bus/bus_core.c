// SPDX-License-Identifier: GPL-2.0
/*
 * mantle_bus: the guest end of Mantle's pv bus (protocol/SPEC.md 2-7).
 *
 * Load: find the paravisor's CPUID block (SPEC 2), map the bus control area,
 * take the bus interrupt, reset the bus, negotiate the version (SPEC 3.2),
 * collect the offers (SPEC 4.3) and register one device per offer on the
 * `mantle` bus, all before init returns. Without a Mantle block, or with a
 * block that offers no bus, the module loads, says so and has no devices.
 */
#include <linux/acpi.h>
#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/slab.h>
#include <asm/cpufeature.h>
#include <asm/processor.h>

#include "bus_priv.h"

static char *versions = "1.0";
module_param(versions, charp, 0444);
MODULE_PARM_DESC(versions,
		 "protocol versions offered, \"M.m[,M.m...]\" (default 1.0)");
static ulong features = MBUS_FEATURES_IMPL;
module_param(features, ulong, 0444);
MODULE_PARM_DESC(features, "feature bits offered (default: all implemented)");

struct mbus *mbus_the;

void mbus_protocol_error(struct mbus *b, const char *fmt, ...)
{
	struct va_format vaf;
	va_list args;

	atomic_inc(&b->protocol_errors);
	va_start(args, fmt);
	vaf.fmt = fmt;
	vaf.va = &args;
	pr_warn_ratelimited("mantle_bus: protocol error: %pV\n", &vaf);
	va_end(args);
}

/* --- discovery (SPEC.md 2) ---------------------------------------------- */

static void read_block(u32 base, struct mtl_cpuid_regs regs[5])
{
	u32 i;

	for (i = 0; i < MTL_CPUID_NR_LEAVES; i++)
		cpuid(base + i, &regs[i].eax, &regs[i].ebx, &regs[i].ecx,
		      &regs[i].edx);
}

/* 0: found and decoded; -ENODEV: no block; -EINVAL: a block that does not
 * decode (which the guest must not use). */
static int discover(struct mtl_discovery *d)
{
	struct mtl_cpuid_regs regs[MTL_CPUID_NR_LEAVES];
	u32 base;

	if (!boot_cpu_has(X86_FEATURE_HYPERVISOR))
		return -ENODEV;
	for (base = MTL_CPUID_RANGE_FIRST + MTL_CPUID_BLOCK_ALIGN;
	     base < MTL_CPUID_RANGE_LAST; base += MTL_CPUID_BLOCK_ALIGN) {
		cpuid(base, &regs[0].eax, &regs[0].ebx, &regs[0].ecx,
		      &regs[0].edx);
		if (!mtl_cpuid_is_signature(&regs[0]))
			continue;
		read_block(base, regs);
		if (mtl_discovery_decode(base, regs, d) != 0) {
			pr_err("mantle_bus: CPUID block at %#x does not decode: not using it\n",
			       base);
			return -EINVAL;
		}
		return 0;
	}
	return -ENODEV;
}

/* --- doorbell and control rings ---------------------------------------- */

void mbus_doorbell(struct mbus *b, u32 value)
{
	if (b->disc.doorbell_kind == MTL_DOORBELL_PIO)
		outl(value, (u16)b->disc.doorbell_addr);
	else if (b->db_mmio)
		writel(value, b->db_mmio);
}

static int map_bus(struct mbus *b)
{
	u32 log2 = b->disc.bus_ring_log2;
	u32 max = MTL_CONTROL_MAX_RECORD;
	u32 cap = (1u << log2) * MTL_RING_SLOT_DATA;
	u8 *area;

	b->area =
		memremap(b->disc.bus_gpa, MTL_BUS_AREA_SIZE(log2), MEMREMAP_WB);
	if (!b->area) {
		pr_err("mantle_bus: cannot map the bus area at %#llx\n",
		       (u64)b->disc.bus_gpa);
		return -ENOMEM;
	}
	if (b->disc.doorbell_kind == MTL_DOORBELL_MMIO) {
		b->db_mmio = ioremap(b->disc.doorbell_addr, 4);
		if (!b->db_mmio)
			return -ENOMEM;
	}
	/* Rings smaller than the largest control packet carry less. */
	if (cap < max)
		max = cap & ~7u;
	area = b->area;
	if (mtl_ring_init(&b->ctl_tx, area + MTL_BUS_G2P_OFFSET, log2, max,
			  MTL_RING_PRODUCER, 0) != MTL_RING_OK ||
	    mtl_ring_init(&b->ctl_rx, area + MTL_BUS_P2G_OFFSET(log2), log2,
			  max, MTL_RING_CONSUMER, 0) != MTL_RING_OK)
		return -EINVAL;
	return 0;
}

static void unmap_bus(struct mbus *b)
{
	if (b->db_mmio)
		iounmap(b->db_mmio);
	if (b->area)
		memunmap(b->area);
}

/* Switch the control rings to the accepted features (SPEC.md 3.3: they
 * apply to the control rings once accepted). Positions carry over. */
static void ctl_apply_features(struct mbus *b)
{
	u32 flags = (b->features & MTL_F_EVENT_IDX) ? MTL_RING_F_EVENT_IDX : 0;
	unsigned long f;

	spin_lock_irqsave(&b->tx_lock, f);
	b->ctl_tx.flags = flags;
	spin_unlock_irqrestore(&b->tx_lock, f);
	spin_lock_irqsave(&b->rx_lock, f);
	b->ctl_rx.flags = flags;
	spin_unlock_irqrestore(&b->rx_lock, f);
}

/* One received control packet (a private copy), under rx_lock. */
static void ctl_dispatch(struct mbus *b, const void *pkt, u32 len)
{
	const struct mtl_pkt_hdr *h = pkt;
	struct mbus_offer o;
	u32 st = mtl_pkt_check(pkt, len);

	if (st != MTL_STATUS_OK) {
		mbus_protocol_error(b, "control packet type %#x len %u: %s",
				    len >= 2 ? h->type : 0, len,
				    mbus_status_name(st));
		return;
	}
	if ((h->flags & MTL_PKT_F_COMPLETION) && b->req.active &&
	    h->txid == b->req.txid && h->type == b->req.resp_type) {
		memcpy(b->req.resp, pkt, len);
		b->req.resp_len = len;
		b->req.active = false;
		complete(&b->req.done);
		return;
	}
	if (h->type == MTL_MSG_OFFER && b->enumerating) {
		b->offers_seen++;
		if (mbus_parse_offer(pkt, len, &o) != 0)
			mbus_protocol_error(b, "malformed offer ignored");
		else if (mbus_offer_add(b->offers, &b->nr_offers,
					MBUS_MAX_OFFERS, &o) != 0)
			mbus_protocol_error(
				b,
				"offer of channel %u ignored (duplicate or too many)",
				o.channel_id);
		return;
	}
	mbus_protocol_error(b, "unexpected control packet type %#x txid %llu",
			    h->type, (u64)h->txid);
}

/* Drain the P2G control ring, under rx_lock. */
static void ctl_poll_locked(struct mbus *b)
{
	u32 len;
	int rc;

	if (b->ctl_broken)
		return;
	for (;;) {
		rc = mtl_ring_read(&b->ctl_rx, b->rx_buf, sizeof(b->rx_buf),
				   &len);
		if (rc == MTL_RING_OK) {
			ctl_dispatch(b, b->rx_buf, len);
			continue;
		}
		if (rc == MTL_RING_EMPTY) {
			if (mtl_ring_done(&b->ctl_rx))
				mbus_doorbell(b, MTL_CHANNEL_CONTROL);
			if (mtl_ring_want_data(&b->ctl_rx))
				continue;
			return;
		}
		b->ctl_broken = true;
		mbus_protocol_error(
			b,
			"control ring broken (fault %u): the bus is unusable",
			mtl_ring_fault(&b->ctl_rx));
		if (b->req.active) {
			b->req.active = false;
			b->req.error = -EPIPE;
			complete(&b->req.done);
		}
		return;
	}
}

static void ctl_poll(struct mbus *b)
{
	unsigned long f;

	spin_lock_irqsave(&b->rx_lock, f);
	ctl_poll_locked(b);
	spin_unlock_irqrestore(&b->rx_lock, f);
}

/* Write one record to the G2P control ring and ring the doorbell. */
static int ctl_write(struct mbus *b, const void *pkt, u32 len)
{
	unsigned long deadline =
		jiffies + msecs_to_jiffies(MBUS_CTL_TIMEOUT_MS);
	unsigned long f;
	int rc;

	if (READ_ONCE(b->ctl_broken))
		return -EPIPE;
	for (;;) {
		spin_lock_irqsave(&b->tx_lock, f);
		rc = mtl_ring_write(&b->ctl_tx, pkt, len, NULL, 0);
		if (rc == MTL_RING_OK)
			mtl_ring_flush(&b->ctl_tx);
		if (rc == MTL_RING_FULL &&
		    mtl_ring_want_space(&b->ctl_tx, MTL_RING_SLOTS_FOR(len)))
			rc = -EAGAIN; /* freed meanwhile: try again now */
		spin_unlock_irqrestore(&b->tx_lock, f);
		if (rc == MTL_RING_OK) {
			/* Whatever the flush says: control requests are rare,
			 * a doorbell the paravisor did not ask for costs one
			 * exit, and one it missed would stall the bus. */
			mbus_doorbell(b, MTL_CHANNEL_CONTROL);
			return 0;
		}
		if (rc == MTL_RING_EPEER) {
			mbus_protocol_error(b, "control ring broken (fault %u)",
					    mtl_ring_fault(&b->ctl_tx));
			return -EPIPE;
		}
		if (rc == MTL_RING_EINVAL)
			return -EINVAL;
		if (time_after(jiffies, deadline))
			return -ETIMEDOUT;
		if (rc == MTL_RING_FULL)
			msleep(1);
	}
}

int mbus_ctl_request(struct mbus *b, void *pkt, u32 len, void *resp,
		     u32 *resp_len)
{
	struct mtl_pkt_hdr *h = pkt;
	unsigned long deadline, f;
	int rc;

	mutex_lock(&b->req_mutex);
	h->txid = ++b->next_txid;
	spin_lock_irqsave(&b->rx_lock, f);
	b->req.txid = h->txid;
	b->req.resp_type = mbus_response_type(h->type);
	b->req.active = true;
	b->req.error = 0;
	reinit_completion(&b->req.done);
	spin_unlock_irqrestore(&b->rx_lock, f);

	rc = ctl_write(b, pkt, len);
	deadline = jiffies + msecs_to_jiffies(MBUS_CTL_TIMEOUT_MS);
	/* The interrupt completes the request; polling too keeps the bus
	 * usable (slowly, with a log line) if the interrupt never comes. */
	while (rc == 0 && !wait_for_completion_timeout(&b->req.done, HZ / 20)) {
		ctl_poll(b);
		if (time_after(jiffies, deadline))
			rc = -ETIMEDOUT;
	}
	spin_lock_irqsave(&b->rx_lock, f);
	if (rc == 0)
		rc = b->req.error;
	b->req.active = false;
	if (rc == 0) {
		memcpy(resp, b->req.resp, b->req.resp_len);
		*resp_len = b->req.resp_len;
	}
	spin_unlock_irqrestore(&b->rx_lock, f);
	mutex_unlock(&b->req_mutex);
	if (rc == -ETIMEDOUT)
		pr_err("mantle_bus: no answer to control message %#x within %d ms\n",
		       h->type, MBUS_CTL_TIMEOUT_MS);
	return rc;
}

#ifdef MANTLE_BUS_TEST_HOOKS
/* --- test-only entry points (mantle_bus_hostile.ko) -------------------------
 * Only in the test pack's build of this module (kbuild.sh's second pass);
 * exported in the MANTLE_BUS_TEST namespace. */

/* Any bytes as one control-ring record (valid ring framing, any packet). */
int mantle_bus_test_ctl_raw(const void *pkt, u32 len)
{
	struct mbus *b = mbus_the;
	int rc;

	if (!b)
		return -ENODEV;
	mutex_lock(&b->req_mutex);
	rc = ctl_write(b, pkt, len);
	mutex_unlock(&b->req_mutex);
	return rc;
}
EXPORT_SYMBOL_NS_GPL(mantle_bus_test_ctl_raw, MANTLE_BUS_TEST);

/* Publish a record of a length no ring allows (a ring-level fault of the
 * control channel); the bus is unusable afterwards. */
void mantle_bus_test_ctl_corrupt(void)
{
	struct mbus *b = mbus_the;
	struct mtl_slot *s;
	unsigned long f;

	if (!b)
		return;
	mutex_lock(&b->req_mutex);
	spin_lock_irqsave(&b->tx_lock, f);
	mtl_ring_flush(&b->ctl_tx);
	s = &b->ctl_tx.slots[b->ctl_tx.pos & b->ctl_tx.mask];
	WRITE_ONCE(s->hdr.len, 12);
	smp_store_release(&s->hdr.seq, b->ctl_tx.pos + 1);
	WRITE_ONCE(b->ctl_broken, true);
	spin_unlock_irqrestore(&b->tx_lock, f);
	mbus_doorbell(b, MTL_CHANNEL_CONTROL);
	mutex_unlock(&b->req_mutex);
}
EXPORT_SYMBOL_NS_GPL(mantle_bus_test_ctl_corrupt, MANTLE_BUS_TEST);
#endif /* MANTLE_BUS_TEST_HOOKS */

/* --- interrupt ------------------------------------------------------------ */

static irqreturn_t mbus_interrupt(int irq, void *data)
{
	struct mbus *b = data;

	atomic_inc(&b->irqs);
	ctl_poll(b);
	mbus_channels_notify(b);
	return IRQ_HANDLED;
}

/* The bus GSI: edge triggered, active high (SPEC.md 4.2). */
static int setup_irq(struct mbus *b)
{
	u32 gsi = b->disc.bus_gsi;
	int irq = -1, rc;

#ifdef CONFIG_ACPI
	if (!acpi_disabled) {
		irq = acpi_register_gsi(NULL, gsi, ACPI_EDGE_SENSITIVE,
					ACPI_ACTIVE_HIGH);
		b->irq_from_gsi = irq >= 0;
	}
#endif
	if (irq < 0 && gsi < 16)
		irq = gsi; /* a legacy ISA interrupt keeps its number */
	if (irq < 0) {
		pr_err("mantle_bus: cannot map bus GSI %u\n", gsi);
		return -ENXIO;
	}
	rc = request_irq(irq, mbus_interrupt, 0, "mantle_bus", b);
	if (rc) {
		pr_err("mantle_bus: request_irq(%d) for GSI %u: %d\n", irq, gsi,
		       rc);
		goto unregister;
	}
	b->irq = irq;
	return 0;
unregister:
#ifdef CONFIG_ACPI
	if (b->irq_from_gsi)
		acpi_unregister_gsi(gsi);
#endif
	b->irq_from_gsi = false;
	return rc;
}

static void teardown_irq(struct mbus *b)
{
	if (b->irq < 0)
		return;
	free_irq(b->irq, b);
#ifdef CONFIG_ACPI
	if (b->irq_from_gsi)
		acpi_unregister_gsi(b->disc.bus_gsi);
#endif
	b->irq = -1;
}

/* --- bring-up (SPEC.md 3.1) ----------------------------------------------- */

static void print_versions(const u32 *v, u32 n, char *buf, size_t len)
{
	size_t off = 0;
	u32 i;

	buf[0] = '\0';
	for (i = 0; i < n && off < len; i++)
		off += scnprintf(buf + off, len - off, "%s%u.%u", i ? "," : "",
				 MTL_VERSION_MAJOR(v[i]),
				 MTL_VERSION_MINOR(v[i]));
}

static int negotiate(struct mbus *b)
{
	struct mtl_msg_version_request req;
	u64 resp[MTL_CONTROL_MAX_RECORD / 8];
	u32 offered[MTL_MAX_OFFERED_VERSIONS];
	struct mbus_version v;
	u32 resp_len;
	char list[96];
	int n, rc;

	n = mbus_parse_versions(versions, offered, MTL_MAX_OFFERED_VERSIONS);
	if (n < 0) {
		pr_err("mantle_bus: versions=\"%s\" is not a list of M.m\n",
		       versions);
		return -EINVAL;
	}
	print_versions(offered, n, list, sizeof(list));
	mbus_build_version_request(&req, offered, n, features, 0);
	rc = mbus_ctl_request(b, &req, sizeof(req), resp, &resp_len);
	if (rc)
		return rc;
	rc = mbus_parse_version_response(resp, resp_len, &req, &v);
	if (rc) {
		mbus_protocol_error(b, "bad VERSION_RESPONSE");
		return -EPROTO;
	}
	if (v.status != MTL_STATUS_OK) {
		pr_err("mantle_bus: the paravisor speaks protocol versions %u.%u to %u.%u and refused the offered %s (%s): not using the bus\n",
		       MTL_VERSION_MAJOR(v.version_min),
		       MTL_VERSION_MINOR(v.version_min),
		       MTL_VERSION_MAJOR(v.version_max),
		       MTL_VERSION_MINOR(v.version_max), list,
		       mbus_status_name(v.status));
		return -EPROTONOSUPPORT;
	}
	if (MTL_VERSION_MAJOR(v.version) != MBUS_VERSION_IMPL_MAJOR ||
	    (v.features & ~(u64)MBUS_FEATURES_IMPL)) {
		pr_err("mantle_bus: negotiated version %u.%u features %#llx, which this driver does not implement\n",
		       MTL_VERSION_MAJOR(v.version),
		       MTL_VERSION_MINOR(v.version), v.features);
		return -EPROTONOSUPPORT;
	}
	b->version = v.version;
	b->features = v.features;
	ctl_apply_features(b);
	return 0;
}

static int enumerate(struct mbus *b)
{
	struct mtl_pkt_hdr req;
	u64 resp[MTL_CONTROL_MAX_RECORD / 8];
	unsigned long f;
	u32 resp_len, n;
	int rc;

	b->offers = kcalloc(MBUS_MAX_OFFERS, sizeof(*b->offers), GFP_KERNEL);
	if (!b->offers)
		return -ENOMEM;
	spin_lock_irqsave(&b->rx_lock, f);
	b->nr_offers = 0;
	b->offers_seen = 0;
	b->enumerating = true;
	spin_unlock_irqrestore(&b->rx_lock, f);
	mbus_build_request_offers(&req, 0);
	rc = mbus_ctl_request(b, &req, sizeof(req), resp, &resp_len);
	spin_lock_irqsave(&b->rx_lock, f);
	b->enumerating = false;
	n = b->offers_seen;
	spin_unlock_irqrestore(&b->rx_lock, f);
	if (rc)
		return rc;
	if (mbus_parse_offers_done(resp, resp_len, n) != 0)
		mbus_protocol_error(
			b,
			"ALL_OFFERS_DELIVERED does not count the %u offers received",
			n);
	return 0;
}

static int bring_up(struct mbus *b)
{
	int rc;

	rc = map_bus(b);
	if (rc)
		return rc;
	rc = setup_irq(b);
	if (rc)
		return rc;
	/* A fresh bus whatever a previous kernel or module left (4.2). */
	mbus_doorbell(b, MTL_DOORBELL_BUS_RESET);
	rc = negotiate(b);
	if (rc)
		return rc;
	rc = enumerate(b);
	if (rc)
		return rc;
	pr_info("mantle_bus: protocol %u.%u, features %#llx, %u channels offered, GSI %u irq %d\n",
		MTL_VERSION_MAJOR(b->version), MTL_VERSION_MINOR(b->version),
		b->features, b->nr_offers, b->disc.bus_gsi, b->irq);
	return mbus_devices_register(b);
}

/* Devices (their drivers close their channels), then the bus itself. The
 * caller unregisters the bus type, clears mbus_the and frees b. */
static void tear_down(struct mbus *b)
{
	mbus_devices_unregister(b);
	if (b->area)
		mbus_doorbell(b, MTL_DOORBELL_BUS_RESET);
	teardown_irq(b);
	unmap_bus(b);
}

static void mbus_free(struct mbus *b)
{
	kfree(b->offers);
	kfree(b);
}

static struct mbus *mbus_alloc(void)
{
	struct mbus *b = kzalloc(sizeof(*b), GFP_KERNEL);

	if (!b)
		return NULL;
	b->irq = -1;
	spin_lock_init(&b->tx_lock);
	spin_lock_init(&b->rx_lock);
	spin_lock_init(&b->chan_lock);
	mutex_init(&b->req_mutex);
	init_completion(&b->req.done);
	INIT_LIST_HEAD(&b->open_channels);
	return b;
}

static int __init mbus_init(void)
{
	struct mtl_discovery d;
	struct mbus *b;
	int found, rc;

	found = discover(&d);
	if (found == -EINVAL)
		return -ENODEV;
	rc = mbus_type_register();
	if (rc)
		return rc;
	if (found != 0 || !d.has_bus) {
		pr_info("mantle_bus: %s: no devices\n",
			found ? "no Mantle paravisor" :
				"the paravisor offers no pv bus");
		return 0;
	}
	b = mbus_alloc();
	if (!b) {
		mbus_type_unregister();
		return -ENOMEM;
	}
	b->disc = d;
	mbus_the = b;
	rc = bring_up(b);
	if (rc) {
		tear_down(b);
		mbus_type_unregister();
		mbus_the = NULL;
		mbus_free(b);
		return rc;
	}
	return 0;
}

static void __exit mbus_exit(void)
{
	struct mbus *b = mbus_the;

	if (b)
		tear_down(b);
	/* No sysfs reader of mbus_the is left after this. */
	mbus_type_unregister();
	mbus_the = NULL;
	if (b)
		mbus_free(b);
}

module_init(mbus_init);
module_exit(mbus_exit);
MODULE_LICENSE("Dual MIT/GPL");
MODULE_DESCRIPTION("Mantle pv bus (guest side)");
