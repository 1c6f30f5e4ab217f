// SPDX-License-Identifier: GPL-2.0
/*
 * mantle_pipe: the pipe device class (protocol/SPEC.md 9.3) as character
 * devices /dev/mantle-pipe-NAME, one per pipe channel the paravisor offers
 * (NAME from the offer's instance id, pipe_msg.h).
 *
 * The channel is opened at probe and stays open until the device goes away
 * (module unload, unbind, power-off), not per open() of the device: the
 * stream then spans many open()s (a shell's `echo a >dev; echo b >dev` is
 * one stream on the host too, which connects its socket whenever the
 * channel opens and closes it when the channel closes), and bytes from the
 * host wait in the P2G ring for a reader instead of being refused. When the
 * channel could not be opened at probe (the host end was not listening) or
 * its stream ended (broken channel, end of file), the first open() of the
 * device while nobody else holds it (re)opens the channel; if that fails,
 * open() fails (-ECONNREFUSED when the paravisor had no resources, i.e. no
 * host end).
 *
 * read() blocks until data (O_NONBLOCK: -EAGAIN) and returns 0 at end of
 * stream (the channel broken or gone, once delivered data is drained);
 * write() blocks while the G2P ring is full and is interruptible; poll()
 * reports both. close() of a writer, remove and power-off wait (bounded,
 * interruptible) until the paravisor consumed everything written.
 */
#include <linux/fs.h>
#include <linux/kref.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/wait.h>

#include "mantle_bus.h"
#include "pipe_msg.h"

/* 2048 slots, 112 KiB per direction: a 64 KiB write fits whole, so a
 * writer that keeps up never waits for a space interrupt. */
#define MPIPE_RING_LOG2 11
#define MPIPE_PKT_MAX 16384u /* largest packet, both directions */
#define MPIPE_DRAIN_MS 10000 /* how long close/remove wait for the host */

static unsigned int drain_ms = MPIPE_DRAIN_MS;
module_param(drain_ms, uint, 0644);
MODULE_PARM_DESC(
	drain_ms,
	"how long close and unload wait for written bytes to be consumed");

struct mpipe {
	struct kref ref;
	struct mantle_device *mdev;
	char name[MPIPE_NAME_MAX + 1];
	char devname[32];
	struct miscdevice misc;
	wait_queue_head_t wq;
	struct mutex rd_lock; /* rx_* and recv calls */
	struct mutex wr_lock; /* tx_pkt and send calls */
	struct mutex chan_lock; /* chan_open, users; taken before rd/wr */
	bool chan_open;
	unsigned int users; /* open files */
	spinlock_t live_lock; /* poll's view of the channel */
	bool live; /* poll may call the channel */
	bool stopping; /* being removed: writers give up */
	bool gone; /* removed: no more ring access */
	bool eof; /* end of the incoming stream */
	u32 tx_max; /* payload bytes per packet */
	u8 *tx_pkt;
	u8 *rx_pkt;
	u32 rx_len; /* data bytes of rx_pkt */
	u32 rx_off; /* of those, already read */
};

static void mpipe_free(struct kref *ref)
{
	struct mpipe *p = container_of(ref, struct mpipe, ref);

	kfree(p->tx_pkt);
	kfree(p->rx_pkt);
	kfree(p);
}

static void mpipe_notify(void *ctx)
{
	struct mpipe *p = ctx;

	wake_up_interruptible_all(&p->wq);
}

static struct mpipe *file_pipe(struct file *f)
{
	return f->private_data;
}

static int chan_open(struct mpipe *p);
static void chan_close(struct mpipe *p);

/* A first user finds the channel closed or its stream over: reopen it. */
static int mpipe_reopen(struct mpipe *p)
{
	if (p->chan_open && !p->eof && !mantle_channel_broken(p->mdev))
		return 0;
	if (p->users > 0 && p->chan_open)
		return 0; /* others still read the end of the old stream */
	if (p->chan_open)
		chan_close(p);
	return chan_open(p);
}

static int mpipe_open(struct inode *inode, struct file *f)
{
	struct mpipe *p = container_of(f->private_data, struct mpipe, misc);
	int rc;

	mutex_lock(&p->chan_lock);
	rc = p->stopping ? -ENODEV : mpipe_reopen(p);
	if (rc == 0)
		p->users++;
	mutex_unlock(&p->chan_lock);
	if (rc)
		return rc == -EAGAIN ? -ECONNREFUSED : rc;
	kref_get(&p->ref);
	f->private_data = p;
	return stream_open(inode, f);
}

static int mpipe_release(struct inode *inode, struct file *f)
{
	struct mpipe *p = file_pipe(f);

	mutex_lock(&p->chan_lock);
	p->users--;
	mutex_unlock(&p->chan_lock);
	kref_put(&p->ref, mpipe_free);
	return 0;
}

/* Everything written has left the G2P ring (or it never will). */
static bool drained(struct mpipe *p)
{
	return p->gone || mantle_channel_g2p_drained(p->mdev);
}

static int wait_drained(struct mpipe *p)
{
	long t = wait_event_interruptible_timeout(p->wq, drained(p),
						  msecs_to_jiffies(drain_ms));

	if (t < 0)
		return -EINTR;
	if (t == 0) {
		dev_warn(
			&p->mdev->dev,
			"pipe %s: bytes written were not consumed within %u ms\n",
			p->name, drain_ms);
		return -ETIMEDOUT;
	}
	return 0;
}

static int mpipe_flush(struct file *f, fl_owner_t id)
{
	struct mpipe *p = file_pipe(f);
	int rc;

	if (!(f->f_mode & FMODE_WRITE))
		return 0;
	mutex_lock(&p->wr_lock);
	rc = p->gone ? 0 : wait_drained(p);
	mutex_unlock(&p->wr_lock);
	return rc == -ETIMEDOUT ? -EIO : rc;
}

/* Next packet into rx_pkt: 0, -EAGAIN empty, or 1 at end of stream. */
static int rx_fill(struct mpipe *p)
{
	u32 len, n;
	int rc;

	if (p->gone || p->eof)
		return 1;
	rc = mantle_channel_recv(p->mdev, p->rx_pkt, MPIPE_PKT_MAX, &len);
	if (rc == -EAGAIN)
		return rc;
	if (rc == 0)
		rc = mpipe_unpack(p->rx_pkt, len, &n);
	if (rc == 0) {
		p->rx_len = n;
		p->rx_off = 0;
		return 0;
	}
	/* PIPE_EOF, broken, closed or a malformed packet: the stream ends. */
	if (rc == -EBADMSG)
		dev_err(&p->mdev->dev, "pipe %s: malformed data packet\n",
			p->name);
	p->eof = true;
	return 1;
}

static bool rx_ready(struct mpipe *p)
{
	return p->gone || p->eof || p->rx_off < p->rx_len ||
	       mantle_channel_rx_ready(p->mdev);
}

static ssize_t mpipe_read(struct file *f, char __user *buf, size_t count,
			  loff_t *pos)
{
	struct mpipe *p = file_pipe(f);
	size_t done = 0, n;
	int rc = 0;

	if (count == 0)
		return 0;
	if (mutex_lock_interruptible(&p->rd_lock))
		return -ERESTARTSYS;
	while (done < count) {
		if (p->rx_off < p->rx_len) {
			n = min_t(size_t, count - done, p->rx_len - p->rx_off);
			if (copy_to_user(buf + done,
					 p->rx_pkt +
						 sizeof(struct mtl_pipe_data) +
						 p->rx_off,
					 n)) {
				rc = -EFAULT;
				break;
			}
			p->rx_off += n;
			done += n;
			continue;
		}
		rc = rx_fill(p);
		if (rc == 0)
			continue;
		if (rc == 1 || done > 0)
			break; /* end of stream, or return what we have */
		if (f->f_flags & O_NONBLOCK)
			break;
		rc = wait_event_interruptible(p->wq, rx_ready(p));
		if (rc)
			break;
	}
	if (!p->gone)
		mantle_channel_recv_done(p->mdev);
	mutex_unlock(&p->rd_lock);
	if (done > 0)
		return done;
	return rc == 1 ? 0 : rc;
}

/*
 * Send tx_pkt (len bytes), waiting for room unless nonblocking; more: the
 * write has more packets, so this one may wait for mantle_channel_kick().
 */
static int tx_send(struct mpipe *p, u32 len, bool nonblock, bool more)
{
	int rc;

	for (;;) {
		if (READ_ONCE(p->stopping))
			return -EPIPE;
		rc = more ? mantle_channel_send_more(p->mdev, p->tx_pkt, len,
						     NULL, 0) :
			    mantle_channel_send(p->mdev, p->tx_pkt, len, NULL,
						0);
		if (rc != -EAGAIN || nonblock)
			return rc;
		rc = wait_event_interruptible(
			p->wq, READ_ONCE(p->stopping) ||
				       mantle_channel_tx_ready(p->mdev, len));
		if (rc)
			return rc;
	}
}

static ssize_t mpipe_write(struct file *f, const char __user *buf, size_t count,
			   loff_t *pos)
{
	struct mpipe *p = file_pipe(f);
	struct mtl_pipe_data *pkt;
	size_t done = 0;
	u32 n, len;
	int rc = 0;

	if (count == 0)
		return 0;
	if (mutex_lock_interruptible(&p->wr_lock))
		return -ERESTARTSYS;
	pkt = (struct mtl_pipe_data *)p->tx_pkt;
	while (done < count) {
		n = min_t(size_t, count - done, p->tx_max);
		if (copy_from_user(pkt->data, buf + done, n)) {
			rc = -EFAULT;
			break;
		}
		len = mpipe_pack(pkt, n);
		/* One doorbell per write() call, not per packet. */
		rc = tx_send(p, len, f->f_flags & O_NONBLOCK, done + n < count);
		if (rc)
			break;
		done += n;
	}
	if (rc)
		mantle_channel_kick(p->mdev); /* what was queued goes out */
	mutex_unlock(&p->wr_lock);
	if (done > 0)
		return done;
	if (rc == -EPIPE)
		send_sig(SIGPIPE, current, 0);
	return rc;
}

static u32 tx_len_max(const struct mpipe *p)
{
	return ALIGN(sizeof(struct mtl_pipe_data) + p->tx_max, 8);
}

static __poll_t mpipe_poll(struct file *f, poll_table *wait)
{
	struct mpipe *p = file_pipe(f);
	__poll_t mask = 0;

	poll_wait(f, &p->wq, wait);
	/* poll takes neither rd_lock nor wr_lock (a blocked reader holds
	 * one): live_lock keeps the channel from closing under it. */
	spin_lock(&p->live_lock);
	if (!p->live) {
		spin_unlock(&p->live_lock);
		return EPOLLIN | EPOLLRDNORM | EPOLLHUP;
	}
	if (rx_ready(p))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (p->eof)
		mask |= EPOLLHUP;
	if (mantle_channel_broken(p->mdev))
		mask |= EPOLLERR;
	else if (mantle_channel_tx_ready(p->mdev, tx_len_max(p)))
		mask |= EPOLLOUT | EPOLLWRNORM;
	spin_unlock(&p->live_lock);
	return mask;
}

static const struct file_operations mpipe_fops = {
	.owner = THIS_MODULE,
	.open = mpipe_open,
	.release = mpipe_release,
	.flush = mpipe_flush,
	.read = mpipe_read,
	.write = mpipe_write,
	.poll = mpipe_poll,
};

static struct mpipe *mpipe_alloc(struct mantle_device *md)
{
	struct mpipe *p = kzalloc(sizeof(*p), GFP_KERNEL);

	if (!p)
		return NULL;
	kref_init(&p->ref);
	p->mdev = md;
	init_waitqueue_head(&p->wq);
	mutex_init(&p->rd_lock);
	mutex_init(&p->wr_lock);
	mutex_init(&p->chan_lock);
	spin_lock_init(&p->live_lock);
	p->tx_max = mpipe_payload_max(min(md->max_record, MPIPE_PKT_MAX));
	p->tx_pkt = kmalloc(MPIPE_PKT_MAX, GFP_KERNEL);
	p->rx_pkt = kmalloc(MPIPE_PKT_MAX, GFP_KERNEL);
	if (!p->tx_pkt || !p->rx_pkt || p->tx_max == 0) {
		kref_put(&p->ref, mpipe_free);
		return NULL;
	}
	return p;
}

static void set_live(struct mpipe *p, bool live)
{
	spin_lock(&p->live_lock);
	p->live = live;
	spin_unlock(&p->live_lock);
}

/* Open the channel with a fresh incoming stream; under chan_lock. */
static int chan_open(struct mpipe *p)
{
	struct mantle_channel_params cp = {
		.class_version = MTL_PIPE_VERSION_1_0,
		.g2p_log2 = MPIPE_RING_LOG2,
		.p2g_log2 = MPIPE_RING_LOG2,
		.p2g_max_record = MPIPE_PKT_MAX,
		.notify = mpipe_notify,
		.ctx = p,
	};
	int rc;

	mutex_lock(&p->wr_lock);
	mutex_lock(&p->rd_lock);
	rc = mantle_channel_open(p->mdev, &cp);
	if (rc == 0) {
		set_live(p, true);
		p->chan_open = true;
		p->eof = false;
		p->rx_len = 0;
		p->rx_off = 0;
	}
	mutex_unlock(&p->rd_lock);
	mutex_unlock(&p->wr_lock);
	if (rc)
		dev_warn(&p->mdev->dev,
			 "pipe %s: cannot open its channel (%d)\n", p->name,
			 rc);
	return rc;
}

/* Close the channel once written bytes drained (bounded); under chan_lock. */
static void chan_close(struct mpipe *p)
{
	mutex_lock(&p->wr_lock);
	wait_drained(p);
	mutex_lock(&p->rd_lock);
	set_live(p, false);
	mantle_channel_close(p->mdev);
	p->chan_open = false;
	mutex_unlock(&p->rd_lock);
	mutex_unlock(&p->wr_lock);
}

static int mpipe_probe(struct mantle_device *md,
		       const struct mantle_device_id *id)
{
	struct mpipe *p;
	int rc;

	p = mpipe_alloc(md);
	if (!p)
		return -ENOMEM;
	if (mpipe_name_from_instance(md->instance_id, p->name) != 0) {
		dev_err(&md->dev, "pipe offer with an invalid name: refused\n");
		rc = -EINVAL;
		goto put;
	}
	mutex_lock(&p->chan_lock);
	chan_open(p); /* failing: open() of the device tries again */
	mutex_unlock(&p->chan_lock);
	snprintf(p->devname, sizeof(p->devname), "mantle-pipe-%s", p->name);
	p->misc.minor = MISC_DYNAMIC_MINOR;
	p->misc.name = p->devname;
	p->misc.fops = &mpipe_fops;
	p->misc.parent = &md->dev;
	p->misc.mode = 0600;
	dev_set_drvdata(&md->dev, p);
	rc = misc_register(&p->misc);
	if (rc) {
		dev_set_drvdata(&md->dev, NULL);
		set_live(p, false);
		mantle_channel_close(md);
		goto put;
	}
	dev_info(&md->dev, "pipe %s: /dev/%s%s\n", p->name, p->devname,
		 p->chan_open ? "" : " (channel not open yet)");
	return 0;
put:
	kref_put(&p->ref, mpipe_free);
	return rc;
}

/* No new opens; readers and writers leave; written bytes drain; close. */
static void mpipe_stop(struct mantle_device *md)
{
	struct mpipe *p = dev_get_drvdata(&md->dev);

	if (!p)
		return;
	misc_deregister(&p->misc);
	mutex_lock(&p->chan_lock);
	WRITE_ONCE(p->stopping, true);
	wake_up_interruptible_all(&p->wq);
	mutex_lock(&p->wr_lock);
	wait_drained(p);
	WRITE_ONCE(p->gone, true);
	mutex_unlock(&p->wr_lock);
	wake_up_interruptible_all(&p->wq);
	mutex_lock(&p->rd_lock);
	set_live(p, false);
	mantle_channel_close(md);
	p->chan_open = false;
	mutex_unlock(&p->rd_lock);
	mutex_unlock(&p->chan_lock);
	dev_set_drvdata(&md->dev, NULL);
	kref_put(&p->ref, mpipe_free);
}

static const struct mantle_device_id mpipe_ids[] = { { .device_class =
							       MTL_CLASS_PIPE },
						     {} };

static struct mantle_driver mpipe_driver = {
	.driver.name = "mantle_pipe",
	.id_table = mpipe_ids,
	.probe = mpipe_probe,
	.remove = mpipe_stop,
	.shutdown = mpipe_stop,
};

static int __init mpipe_init(void)
{
	return mantle_driver_register(&mpipe_driver);
}

static void __exit mpipe_exit(void)
{
	mantle_driver_unregister(&mpipe_driver);
}

module_init(mpipe_init);
module_exit(mpipe_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("Mantle pipe devices (/dev/mantle-pipe-NAME)");
MODULE_ALIAS("mantle:c0003");
