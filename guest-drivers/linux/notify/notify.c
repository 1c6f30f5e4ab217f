// SPDX-License-Identifier: GPL-2.0
/*
 * mantle_notify: the guest driver of the paravisor's host-notification
 * device (paravisor/vmm/hostnotify.h). Host events reach the guest only
 * through it: the paravisor checks each event's source and rate, latches a
 * pending count and raises IRQ 5 when the count leaves zero. The DSDT
 * describes the device as "MNTL0001" with its eight ports and its IRQ.
 *
 * Registers (32-bit port I/O):
 *   base + 0  read: notifications pending; write: acknowledge all (the
 *             paravisor lowers the line, so the next event is a new edge)
 *   base + 4  read: the device id "MLTN"
 *
 * Each interrupt adds the pending count to `events` and counts itself in
 * `interrupts` (sysfs, on the platform device), and logs one line (rate
 * limited). An event that arrives between the read and the acknowledgement
 * is coalesced into the interrupt being handled: it is not counted, and it
 * needs no interrupt of its own.
 */
#include <linux/acpi.h>
#include <linux/atomic.h>
#include <linux/device.h>
#include <linux/interrupt.h>
#include <linux/io.h>
#include <linux/module.h>
#include <linux/platform_device.h>

#define MNTF_REG_PENDING 0
#define MNTF_REG_ID 4
#define MNTF_PORTS 8
#define MNTF_ID 0x4E544C4Du /* "MLTN" little-endian */

struct mntf {
	struct device *dev;
	unsigned long base;
	atomic64_t events;
	atomic64_t interrupts;
};

/* Takes what is pending and acknowledges it; returns the count taken. */
static u32 mntf_drain(struct mntf *n)
{
	u32 pending = inl(n->base + MNTF_REG_PENDING);

	if (!pending)
		return 0;
	outl(0, n->base + MNTF_REG_PENDING);
	atomic64_add(pending, &n->events);
	return pending;
}

static irqreturn_t mntf_irq(int irq, void *arg)
{
	struct mntf *n = arg;
	u32 pending = mntf_drain(n);

	if (!pending)
		return IRQ_NONE;
	atomic64_inc(&n->interrupts);
	dev_info_ratelimited(n->dev, "host event: %u pending, %lld in all\n",
			     pending, (long long)atomic64_read(&n->events));
	return IRQ_HANDLED;
}

static ssize_t events_show(struct device *dev, struct device_attribute *attr,
			   char *buf)
{
	struct mntf *n = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%lld\n", (long long)atomic64_read(&n->events));
}
static DEVICE_ATTR_RO(events);

static ssize_t interrupts_show(struct device *dev,
			       struct device_attribute *attr, char *buf)
{
	struct mntf *n = dev_get_drvdata(dev);

	return sysfs_emit(buf, "%lld\n",
			  (long long)atomic64_read(&n->interrupts));
}
static DEVICE_ATTR_RO(interrupts);

static struct attribute *mntf_attrs[] = {
	&dev_attr_events.attr,
	&dev_attr_interrupts.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mntf);

static int mntf_probe(struct platform_device *pdev)
{
	struct device *dev = &pdev->dev;
	struct resource *io;
	struct mntf *n;
	u32 id, early;
	int irq, ret;

	io = platform_get_resource(pdev, IORESOURCE_IO, 0);
	if (!io || resource_size(io) < MNTF_PORTS)
		return dev_err_probe(dev, -ENODEV, "no port range\n");
	irq = platform_get_irq(pdev, 0);
	if (irq < 0)
		return irq;
	n = devm_kzalloc(dev, sizeof(*n), GFP_KERNEL);
	if (!n)
		return -ENOMEM;
	n->dev = dev;
	n->base = io->start;
	if (!devm_request_region(dev, io->start, MNTF_PORTS, "mantle_notify"))
		return -EBUSY;
	id = inl(n->base + MNTF_REG_ID);
	if (id != MNTF_ID)
		return dev_err_probe(dev, -ENODEV,
				     "no host-notification device (id %#x)\n",
				     id);
	platform_set_drvdata(pdev, n);
	ret = devm_request_irq(dev, irq, mntf_irq, 0, "mantle_notify", n);
	if (ret)
		return ret;
	/* Events latched before the handler existed raised the line while
	 * nobody listened: take them now, so the next one is a new edge. */
	early = mntf_drain(n);
	dev_info(dev, "host notifications on port %#lx, irq %d (%u pending)\n",
		 n->base, irq, early);
	return 0;
}

static const struct acpi_device_id mntf_acpi_ids[] = { { "MNTL0001", 0 }, {} };
MODULE_DEVICE_TABLE(acpi, mntf_acpi_ids);

static struct platform_driver mntf_driver = {
	.probe = mntf_probe,
	.driver = {
		.name = "mantle_notify",
		.acpi_match_table = mntf_acpi_ids,
		.dev_groups = mntf_groups,
	},
};
module_platform_driver(mntf_driver);

MODULE_DESCRIPTION("Mantle paravisor host-notification device");
MODULE_LICENSE("GPL");
