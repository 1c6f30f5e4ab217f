/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The Mantle pv bus as class drivers see it (mantle_bus.ko). One struct
 * mantle_device per channel the paravisor offered (protocol/SPEC.md 4.3),
 * under /sys/bus/mantle/devices/. A class driver binds through an id table
 * of device classes, opens the device's channel, moves packets over its two
 * rings and closes it again.
 *
 * A class driver serialises mantle_channel_open()/close() against its own
 * send/recv calls on the device.
 * Threads: mantle_channel_send() callers serialise among themselves, and so
 * do mantle_channel_recv() callers (the bus keeps one lock per ring anyway).
 * The notify callback runs in hard interrupt context on every bus interrupt
 * while the channel is open: it must only wake waiters.
 */
#ifndef MANTLE_BUS_H
#define MANTLE_BUS_H

#include <linux/device.h>
#include <linux/mod_devicetable.h>
#include <linux/types.h>

/* An id table entry: the device class the driver serves (0 ends a table). */
struct mantle_device_id {
	u16 device_class;
	kernel_ulong_t driver_data;
};

struct mantle_channel;

/* The `mantle` bus (/sys/bus/mantle). */
extern struct bus_type mantle_bus_type;

/* One offered channel. Read-only for class drivers. */
struct mantle_device {
	struct device dev;
	u32 channel_id;
	u16 device_class;
	u32 class_version; /* the highest the paravisor offers */
	u32 max_record; /* largest packet the paravisor accepts on G2P */
	u8 instance_id[16];
	struct mantle_channel *chan; /* the bus's; NULL while closed */
};
#define to_mantle_device(d) container_of_const(d, struct mantle_device, dev)

struct mantle_driver {
	struct device_driver driver;
	const struct mantle_device_id *id_table;
	int (*probe)(struct mantle_device *mdev,
		     const struct mantle_device_id *id);
	void (*remove)(struct mantle_device *mdev);
	/* Power-off: flush and close; remove is not called afterwards. */
	void (*shutdown)(struct mantle_device *mdev);
};
#define to_mantle_driver(d) container_of_const(d, struct mantle_driver, driver)

int __mantle_driver_register(struct mantle_driver *drv, struct module *owner);
#define mantle_driver_register(drv) __mantle_driver_register(drv, THIS_MODULE)
void mantle_driver_unregister(struct mantle_driver *drv);

/* What a class driver asks for when it opens a channel. */
struct mantle_channel_params {
	u32 class_version; /* at most the offered one, same major */
	u32 g2p_log2; /* slot counts, 2..16 */
	u32 p2g_log2;
	u32 p2g_max_record; /* largest packet the driver accepts on P2G */
	void (*notify)(void *ctx); /* hard irq context: wake waiters only */
	void *ctx;
};

/*
 * Open the device's channel: allocate both ring areas (zeroed, physically
 * contiguous, page aligned), send OPEN_CHANNEL and wait for OPEN_RESULT.
 * Returns 0 or -errno (-EBUSY already open, -EPROTO refused by the
 * paravisor, -ETIMEDOUT no answer).
 */
int mantle_channel_open(struct mantle_device *mdev,
			const struct mantle_channel_params *p);
/*
 * Close: CLOSE_CHANNEL and wait for CLOSE_RESULT; the rings are freed only
 * after it (leaked, with a log line, if the paravisor never answers).
 */
void mantle_channel_close(struct mantle_device *mdev);

/*
 * Append one packet (hdr then data, a multiple of 8 bytes, at most the
 * offer's max_record) to the G2P ring, publish it and ring the doorbell.
 * Returns 0; -EAGAIN when the ring is full (a notification is armed: wait
 * for the notify callback and try again); -EPIPE when the channel is broken;
 * -ENOTCONN when it is not open; -EINVAL for a bad packet.
 */
int mantle_channel_send(struct mantle_device *mdev, const void *hdr,
			u32 hdr_len, const void *data, u32 data_len);
/*
 * The same, but the packet may stay unpublished as part of a batch that
 * mantle_channel_kick() ends (one doorbell for the batch, not one per
 * packet). A full ring ends the batch itself, so -EAGAIN is waited on as
 * with mantle_channel_send().
 */
int mantle_channel_send_more(struct mantle_device *mdev, const void *hdr,
			     u32 hdr_len, const void *data, u32 data_len);
/* Publish what mantle_channel_send_more() queued; doorbell if wanted. */
void mantle_channel_kick(struct mantle_device *mdev);
/*
 * Copy the next P2G packet into buf (cap >= p2g_max_record), checked with
 * mtl_pkt_check(). Returns 0 and sets *len; -EAGAIN when the ring is empty
 * (a notification is armed); -EPIPE broken; -ENOTCONN not open.
 */
int mantle_channel_recv(struct mantle_device *mdev, void *buf, u32 cap,
			u32 *len);
/* End of a receive batch: publish the consumer position (and notify the
 * paravisor if it waits for space). */
void mantle_channel_recv_done(struct mantle_device *mdev);
/* Is a P2G packet waiting (or the channel broken or closed)? Arms a
 * notification when not: a wait_event() condition. */
bool mantle_channel_rx_ready(struct mantle_device *mdev);
/* Is there G2P room for a packet of `bytes` (or broken or closed)? Arms a
 * notification when not. */
bool mantle_channel_tx_ready(struct mantle_device *mdev, u32 bytes);
/* Has the paravisor consumed everything on G2P (or is the channel gone)? */
bool mantle_channel_g2p_drained(struct mantle_device *mdev);
/* Is the channel broken (a ring fault, SPEC.md 5.5)? */
bool mantle_channel_broken(struct mantle_device *mdev);

/*
 * Test-only, in the test pack's build of mantle_bus.ko alone (built with
 * MANTLE_BUS_TEST_HOOKS; the driver pack's has none of them). Namespace
 * MANTLE_BUS_TEST, used by mantle_bus_hostile.ko: ring
 * the doorbell with any value; send any bytes as a control-ring record; break
 * the control ring; the ring areas of an open channel.
 */
void mantle_bus_test_doorbell(u32 value);
int mantle_bus_test_ctl_raw(const void *pkt, u32 len);
void mantle_bus_test_ctl_corrupt(void);
void *mantle_channel_test_area(struct mantle_device *mdev, bool g2p);

#endif /* MANTLE_BUS_H */
