/* SPDX-License-Identifier: GPL-2.0 */
/*
 * mantle_bus internals shared by its files: the one bus (bus_core.c: discovery,
 * doorbell, control channel, interrupt), its devices (bus_dev.c) and its
 * channels (bus_chan.c).
 */
#ifndef MANTLE_BUS_PRIV_H
#define MANTLE_BUS_PRIV_H

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>

#include "mantle_bus.h"
#include "mantle_discovery.h"
#include "mantle_ring.h"
#include "mantle_proto.h"
#include "bus_msg.h"

#define MBUS_MAX_OFFERS 64
/* How long the paravisor may take to answer a control request. */
#define MBUS_CTL_TIMEOUT_MS 10000

/* The control request in flight (one at a time, under req_mutex). */
struct mbus_req {
	u64 txid;
	u16 resp_type;
	bool active;
	int error; /* -EPIPE: the control ring broke while waiting */
	struct completion done;
	u32 resp_len;
	u64 resp[MTL_CONTROL_MAX_RECORD / 8];
};

struct mbus {
	struct mtl_discovery disc;
	void *area; /* the bus control area */
	void __iomem *db_mmio; /* MMIO doorbell, if that kind */
	int irq; /* < 0: none */
	bool irq_from_gsi; /* acpi_register_gsi() mapped it */
	spinlock_t tx_lock; /* ctl_tx */
	spinlock_t rx_lock; /* ctl_rx, req's state, offers */
	struct mtl_ring ctl_tx;
	struct mtl_ring ctl_rx;
	bool ctl_broken;
	struct mutex req_mutex;
	struct mbus_req req;
	u64 next_txid;
	u32 version;
	u64 features;
	/* enumeration, under rx_lock */
	bool enumerating;
	struct mbus_offer *offers;
	u32 nr_offers;
	u32 offers_seen;
	/* devices */
	struct device *root;
	struct mantle_device **devs;
	u32 nr_devs;
	/* open channels, for the interrupt */
	spinlock_t chan_lock;
	struct list_head open_channels;
	atomic_t protocol_errors;
	atomic_t irqs;
	u64 rx_buf[MTL_CONTROL_MAX_RECORD / 8]; /* under rx_lock */
};

struct mantle_channel {
	struct mantle_device *mdev;
	struct list_head node; /* in mbus.open_channels */
	void *g2p_area;
	void *p2g_area;
	u32 g2p_log2;
	u32 p2g_log2;
	spinlock_t tx_lock;
	spinlock_t rx_lock;
	struct mtl_ring tx;
	struct mtl_ring rx;
	u32 p2g_max;
	bool broken;
	void (*notify)(void *ctx);
	void *ctx;
};

extern struct mbus *mbus_the;

void mbus_doorbell(struct mbus *b, u32 value);
/* Send a control request (its txid is assigned here) and wait for its
 * completion; copies the response into resp (MTL_CONTROL_MAX_RECORD). */
int mbus_ctl_request(struct mbus *b, void *pkt, u32 len, void *resp,
		     u32 *resp_len);
/* Count and log (rate limited) a protocol error of the paravisor. */
void mbus_protocol_error(struct mbus *b, const char *fmt, ...) __printf(2, 3);

int mbus_devices_register(struct mbus *b);
void mbus_devices_unregister(struct mbus *b);
int mbus_type_register(void);
void mbus_type_unregister(void);

/* Ring every open channel's notify callback (interrupt context). */
void mbus_channels_notify(struct mbus *b);

#endif /* MANTLE_BUS_PRIV_H */
