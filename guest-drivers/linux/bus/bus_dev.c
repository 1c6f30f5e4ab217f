// SPDX-License-Identifier: GPL-2.0
/*
 * The `mantle` bus type: one struct mantle_device per offer, matched to class
 * drivers by device class. Devices are named chanN (N the channel id) and
 * carry, in sysfs:
 *   device_class   decimal class (1 storage, 2 attestation, 3 pipe)
 *   class_version  the offered class version, "M.m"
 *   channel_id     decimal
 *   max_record     decimal, the largest packet the paravisor accepts
 *   instance_id    the offer's 16 bytes as 32 lowercase hex digits, in order
 *   modalias       mantle:cXXXX (class in 4 uppercase hex digits), also
 *                  MODALIAS= in the uevent
 * The bus itself has version (the negotiated protocol version, "M.m"),
 * features (hex) and protocol_errors (count).
 */
#include <linux/module.h>
#include <linux/slab.h>

#include "bus_priv.h"

static ssize_t device_class_show(struct device *d,
				 struct device_attribute *attr, char *buf)
{
	return sysfs_emit(buf, "%u\n", to_mantle_device(d)->device_class);
}
static DEVICE_ATTR_RO(device_class);

static ssize_t class_version_show(struct device *d,
				  struct device_attribute *attr, char *buf)
{
	u32 v = to_mantle_device(d)->class_version;

	return sysfs_emit(buf, "%u.%u\n", MTL_VERSION_MAJOR(v),
			  MTL_VERSION_MINOR(v));
}
static DEVICE_ATTR_RO(class_version);

static ssize_t channel_id_show(struct device *d, struct device_attribute *attr,
			       char *buf)
{
	return sysfs_emit(buf, "%u\n", to_mantle_device(d)->channel_id);
}
static DEVICE_ATTR_RO(channel_id);

static ssize_t max_record_show(struct device *d, struct device_attribute *attr,
			       char *buf)
{
	return sysfs_emit(buf, "%u\n", to_mantle_device(d)->max_record);
}
static DEVICE_ATTR_RO(max_record);

static ssize_t instance_id_show(struct device *d, struct device_attribute *attr,
				char *buf)
{
	char hex[MBUS_INSTANCE_LEN];

	mbus_instance_hex(to_mantle_device(d)->instance_id, hex);
	return sysfs_emit(buf, "%s\n", hex);
}
static DEVICE_ATTR_RO(instance_id);

static ssize_t modalias_show(struct device *d, struct device_attribute *attr,
			     char *buf)
{
	char alias[MBUS_MODALIAS_LEN];

	mbus_modalias(to_mantle_device(d)->device_class, alias, sizeof(alias));
	return sysfs_emit(buf, "%s\n", alias);
}
static DEVICE_ATTR_RO(modalias);

static struct attribute *mantle_dev_attrs[] = {
	&dev_attr_device_class.attr,
	&dev_attr_class_version.attr,
	&dev_attr_channel_id.attr,
	&dev_attr_max_record.attr,
	&dev_attr_instance_id.attr,
	&dev_attr_modalias.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mantle_dev);

static ssize_t version_show(const struct bus_type *bt, char *buf)
{
	struct mbus *b = mbus_the;

	if (!b)
		return sysfs_emit(buf, "none\n");
	return sysfs_emit(buf, "%u.%u\n", MTL_VERSION_MAJOR(b->version),
			  MTL_VERSION_MINOR(b->version));
}
static BUS_ATTR_RO(version);

static ssize_t features_show(const struct bus_type *bt, char *buf)
{
	return sysfs_emit(buf, "%#llx\n", mbus_the ? mbus_the->features : 0);
}
static BUS_ATTR_RO(features);

static ssize_t protocol_errors_show(const struct bus_type *bt, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  mbus_the ? atomic_read(&mbus_the->protocol_errors) :
				     0);
}
static BUS_ATTR_RO(protocol_errors);

static ssize_t interrupts_show(const struct bus_type *bt, char *buf)
{
	return sysfs_emit(buf, "%d\n",
			  mbus_the ? atomic_read(&mbus_the->irqs) : 0);
}
static BUS_ATTR_RO(interrupts);

static struct attribute *mantle_bus_attrs[] = {
	&bus_attr_version.attr,
	&bus_attr_features.attr,
	&bus_attr_protocol_errors.attr,
	&bus_attr_interrupts.attr,
	NULL,
};
ATTRIBUTE_GROUPS(mantle_bus);

static int mantle_match(struct device *d, const struct device_driver *drv)
{
	return mbus_match_class(to_mantle_driver(drv)->id_table,
				to_mantle_device(d)->device_class) != NULL;
}

static int mantle_uevent(const struct device *d, struct kobj_uevent_env *env)
{
	char alias[MBUS_MODALIAS_LEN];

	mbus_modalias(to_mantle_device(d)->device_class, alias, sizeof(alias));
	return add_uevent_var(env, "MODALIAS=%s", alias);
}

static int mantle_probe(struct device *d)
{
	struct mantle_device *md = to_mantle_device(d);
	struct mantle_driver *drv = to_mantle_driver(d->driver);
	const struct mantle_device_id *id =
		mbus_match_class(drv->id_table, md->device_class);

	if (!id || !drv->probe)
		return -ENODEV;
	return drv->probe(md, id);
}

static void mantle_remove(struct device *d)
{
	struct mantle_device *md = to_mantle_device(d);
	struct mantle_driver *drv = to_mantle_driver(d->driver);

	if (drv->remove)
		drv->remove(md);
	/* A driver that left its channel open: close it for it. */
	if (md->chan)
		mantle_channel_close(md);
}

/* Power-off: class drivers flush (remove), so written bytes reach the
 * paravisor before the guest goes away. */
static void mantle_shutdown(struct device *d)
{
	struct mantle_device *md = to_mantle_device(d);
	struct mantle_driver *drv;

	if (!d->driver)
		return;
	drv = to_mantle_driver(d->driver);
	if (drv->shutdown)
		drv->shutdown(md);
	if (md->chan)
		mantle_channel_close(md);
}

struct bus_type mantle_bus_type = {
	.name = "mantle",
	.dev_groups = mantle_dev_groups,
	.bus_groups = mantle_bus_groups,
	.match = mantle_match,
	.uevent = mantle_uevent,
	.probe = mantle_probe,
	.remove = mantle_remove,
	.shutdown = mantle_shutdown,
};
EXPORT_SYMBOL_GPL(mantle_bus_type);

int __mantle_driver_register(struct mantle_driver *drv, struct module *owner)
{
	drv->driver.bus = &mantle_bus_type;
	drv->driver.owner = owner;
	return driver_register(&drv->driver);
}
EXPORT_SYMBOL_GPL(__mantle_driver_register);

void mantle_driver_unregister(struct mantle_driver *drv)
{
	driver_unregister(&drv->driver);
}
EXPORT_SYMBOL_GPL(mantle_driver_unregister);

static void mantle_dev_release(struct device *d)
{
	kfree(to_mantle_device(d));
}

static int register_one(struct mbus *b, const struct mbus_offer *o)
{
	struct mantle_device *md = kzalloc(sizeof(*md), GFP_KERNEL);
	int rc;

	if (!md)
		return -ENOMEM;
	md->channel_id = o->channel_id;
	md->device_class = o->device_class;
	md->class_version = o->class_version;
	md->max_record = o->max_record;
	memcpy(md->instance_id, o->instance_id, sizeof(md->instance_id));
	md->dev.bus = &mantle_bus_type;
	md->dev.parent = b->root;
	md->dev.release = mantle_dev_release;
	dev_set_name(&md->dev, "chan%u", o->channel_id);
	rc = device_register(&md->dev);
	if (rc) {
		put_device(&md->dev);
		return rc;
	}
	b->devs[b->nr_devs++] = md;
	return 0;
}

int mbus_devices_register(struct mbus *b)
{
	u32 i;
	int rc;

	b->devs = kcalloc(b->nr_offers ? b->nr_offers : 1, sizeof(*b->devs),
			  GFP_KERNEL);
	if (!b->devs)
		return -ENOMEM;
	b->root = root_device_register("mantle");
	if (IS_ERR(b->root)) {
		rc = PTR_ERR(b->root);
		b->root = NULL;
		return rc;
	}
	for (i = 0; i < b->nr_offers; i++) {
		rc = register_one(b, &b->offers[i]);
		if (rc)
			pr_err("mantle_bus: channel %u: device not registered (%d)\n",
			       b->offers[i].channel_id, rc);
	}
	return 0;
}

void mbus_devices_unregister(struct mbus *b)
{
	while (b->nr_devs > 0)
		device_unregister(&b->devs[--b->nr_devs]->dev);
	kfree(b->devs);
	b->devs = NULL;
	if (b->root)
		root_device_unregister(b->root);
	b->root = NULL;
}

int mbus_type_register(void)
{
	return bus_register(&mantle_bus_type);
}

void mbus_type_unregister(void)
{
	bus_unregister(&mantle_bus_type);
}
