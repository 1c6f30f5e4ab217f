// SPDX-License-Identifier: MIT
/*
 * The CRB register state machine (tpm_crb.h has the rules). Commands run
 * synchronously inside the MMIO exit of the CTRL_START write: the vCPU
 * that starts a command waits for it, as it would poll CTRL_START anyway.
 * A worker thread is the next step if commands prove slow (README.md has
 * the measured TPM2_CreatePrimary time). The buffer is the guest's page
 * of plain memory (tpm_crb.h): read once per command into a private
 * snapshot, which is all the TPM ever sees.
 */
#include "tpm_crb.h"

#include "mantle_bytes.h"

#include <string.h>

void tpm_crb_init(struct tpm_crb *c, tpm_exec_fn exec, void *ctx, uint8_t *page)
{
	memset(c, 0, sizeof(*c));
	pthread_mutex_init(&c->lock, NULL);
	c->exec = exec;
	c->exec_ctx = ctx;
	c->page = page;
	c->active = TPM_CRB_NO_LOCALITY;
	c->idle = 1;
}

void tpm_crb_destroy(struct tpm_crb *c)
{
	pthread_mutex_destroy(&c->lock);
}

static int holds(const struct tpm_crb *c, unsigned int loc)
{
	return c->active == loc;
}

/* The registers of locality loc's page, as the guest reads them. */
static void render_regs(const struct tpm_crb *c, unsigned int loc,
			uint8_t r[TPM_CRB_REGS_END])
{
	uint32_t state = TPM_CRB_LOC_STATE_VALID;

	memset(r, 0, TPM_CRB_REGS_END);
	if (c->active != TPM_CRB_NO_LOCALITY)
		state |= TPM_CRB_LOC_STATE_ASSIGNED |
			 (uint32_t)c->active << TPM_CRB_LOC_STATE_ACTIVE_SHIFT;
	put_le32(r + TPM_CRB_LOC_STATE, state);
	put_le32(r + TPM_CRB_LOC_STS,
		 holds(c, loc) ? TPM_CRB_LOC_STS_GRANTED : 0);
	put_le64(r + TPM_CRB_INTF_ID, TPM_CRB_INTF_ID_VALUE);
	if (!holds(c, loc)) {
		memset(r + TPM_CRB_CTRL_REQ, 0xFF,
		       TPM_CRB_REGS_END - TPM_CRB_CTRL_REQ);
		return;
	}
	put_le32(r + TPM_CRB_CTRL_STS, c->idle ? TPM_CRB_STS_IDLE : 0);
	put_le32(r + TPM_CRB_CTRL_CANCEL, c->cancel);
	put_le32(r + TPM_CRB_CTRL_CMD_SIZE, TPM_CRB_BUF_SIZE);
	put_le32(r + TPM_CRB_CTRL_CMD_LADDR, TPM_CRB_BUF_GPA);
	put_le32(r + TPM_CRB_CTRL_RSP_SIZE, TPM_CRB_BUF_SIZE);
	put_le64(r + TPM_CRB_CTRL_RSP_ADDR, TPM_CRB_BUF_GPA);
}

/* CTRL_START: the guest's page snapshotted (the guest may be writing it
 * now), the command in the snapshot run, its response into the page. */
static void start(struct tpm_crb *c, unsigned int loc)
{
	size_t rlen;

	c->cancel = 0;
	c->commands++;
	memcpy(c->buf, c->page, TPM_CRB_BUF_SIZE);
	rlen = tpm_iface_run(c->exec, c->exec_ctx, loc, c->buf,
			     get_be32(c->buf + TPM_HDR_SIZE_OFF),
			     TPM_CRB_BUF_SIZE, c->rsp, NULL);
	memcpy(c->page, c->rsp, rlen);
}

/* Access to loc (or to none), idle, the buffer page zeroed. */
static void hand_over(struct tpm_crb *c, uint8_t loc)
{
	c->active = loc;
	c->idle = 1;
	memset(c->page, 0, TPM_CRB_BUF_SIZE);
}

static void write_loc_ctrl(struct tpm_crb *c, unsigned int loc, uint32_t v)
{
	if ((v & TPM_CRB_LOC_CTRL_REQUEST) && loc == TPM_CRB_HW_LOCALITY)
		c->refused++;
	else if ((v & TPM_CRB_LOC_CTRL_REQUEST) &&
		 c->active == TPM_CRB_NO_LOCALITY)
		hand_over(c, (uint8_t)loc);
	else if ((v & TPM_CRB_LOC_CTRL_RELINQUISH) && holds(c, loc))
		hand_over(c, TPM_CRB_NO_LOCALITY);
}

/* One 32-bit register of locality loc's page written with v. */
static void write_reg(struct tpm_crb *c, unsigned int loc, uint32_t reg,
		      uint32_t v)
{
	if (reg == TPM_CRB_LOC_CTRL) {
		write_loc_ctrl(c, loc, v);
		return;
	}
	if (reg < TPM_CRB_CTRL_REQ || !holds(c, loc)) {
		c->refused++;
		return;
	}
	switch (reg) {
	case TPM_CRB_CTRL_REQ:
		if (v & TPM_CRB_REQ_CMD_READY)
			c->idle = 0;
		else if (v & TPM_CRB_REQ_GO_IDLE)
			c->idle = 1;
		break;
	case TPM_CRB_CTRL_CANCEL:
		c->cancel = v & 1u;
		break;
	case TPM_CRB_CTRL_START:
		if ((v & TPM_CRB_START_INVOKE) && !c->idle)
			start(c, loc);
		else
			c->refused++;
		break;
	default: /* read-only, or interrupts (not offered) */
		c->refused++;
		break;
	}
}

/* The page and offset of off; *room: bytes left in that page. */
static unsigned int page_of(uint64_t off, uint32_t *in, uint32_t *room)
{
	*in = (uint32_t)(off % TPM_CRB_PAGE);
	*room = TPM_CRB_PAGE - *in;
	return (unsigned int)(off / TPM_CRB_PAGE);
}

void tpm_crb_read(struct tpm_crb *c, uint64_t off, uint8_t *data,
		  unsigned int len)
{
	uint8_t regs[TPM_CRB_REGS_END];
	uint32_t in, room;
	unsigned int loc = page_of(off, &in, &room);

	memset(data, 0xFF, len);
	if (off >= TPM_CRB_SIZE || len > 8)
		return;
	pthread_mutex_lock(&c->lock);
	render_regs(c, loc, regs);
	for (uint32_t i = 0; i < len && i < room; i++) {
		uint32_t o = in + i;

		if (o < TPM_CRB_REGS_END)
			data[i] = regs[o];
	}
	pthread_mutex_unlock(&c->lock);
}

/* Register bytes of a write: each touched dword once, in order. */
static void write_regs(struct tpm_crb *c, unsigned int loc, uint32_t in,
		       const uint8_t *data, uint32_t n)
{
	for (uint32_t i = 0; i < n;) {
		uint32_t reg = (in + i) & ~3u;
		uint32_t v = 0;

		for (; i < n && ((in + i) & ~3u) == reg; i++)
			v |= (uint32_t)data[i] << (8 * ((in + i) & 3u));
		write_reg(c, loc, reg, v);
	}
}

void tpm_crb_write(struct tpm_crb *c, uint64_t off, const uint8_t *data,
		   unsigned int len)
{
	uint32_t in, room, n;
	unsigned int loc = page_of(off, &in, &room);

	if (off >= TPM_CRB_SIZE || len > 8)
		return;
	n = len < room ? len : room;
	pthread_mutex_lock(&c->lock);
	if (in < TPM_CRB_REGS_END) {
		uint32_t r =
			n < TPM_CRB_REGS_END - in ? n : TPM_CRB_REGS_END - in;

		write_regs(c, loc, in, data, r);
		n -= r;
	}
	if (n) /* past the registers: the buffer is not here */
		c->refused++;
	pthread_mutex_unlock(&c->lock);
}

static void mmio_read(void *priv, uint64_t off, uint8_t *data, unsigned int len)
{
	tpm_crb_read(priv, off, data, len);
}

static void mmio_write(void *priv, uint64_t off, const uint8_t *data,
		       unsigned int len)
{
	tpm_crb_write(priv, off, data, len);
}

const struct mmio_ops tpm_crb_mmio_ops = {
	.name = "tpm-crb",
	.base = TPM_CRB_GPA,
	.len = TPM_CRB_SIZE,
	.read = mmio_read,
	.write = mmio_write,
};
