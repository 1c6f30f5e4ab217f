// SPDX-License-Identifier: MIT
/*
 * The TIS (FIFO) register state machine (tpm_tis.h has the rules). As in
 * tpm_crb.c, a command runs synchronously inside the MMIO exit of the
 * tpmGo write, on the vCPU that wrote it, under the device lock: no
 * locality sees Execution, and commandCancel never finds a command to
 * cancel.
 *
 * The registers are one table: offset, width, who may read and write it,
 * and its handlers (none for a constant). Reads and writes split an access
 * by register and apply each register's handler once.
 */
#include "tpm_tis.h"

#include "mantle_bytes.h"

#include <string.h>

#define REG_READ_ANY 0x1u /* read from any locality, not only the active */
#define REG_WRITE_ANY 0x2u /* written from any locality */
#define REG_FIFO 0x4u /* each byte is one FIFO byte */

struct tis_reg {
	uint16_t off;
	uint8_t width;
	uint8_t flags;
	uint32_t value; /* a constant register's value (get NULL) */
	uint32_t (*get)(const struct tpm_tis *t, unsigned int loc);
	/* v and mask: the written bytes in place. 0, or -1: refused. NULL:
	 * read-only. */
	int (*put)(struct tpm_tis *t, unsigned int loc, uint32_t v,
		   uint32_t mask);
};

void tpm_tis_init(struct tpm_tis *t, tpm_exec_fn exec, void *ctx)
{
	memset(t, 0, sizeof(*t));
	pthread_mutex_init(&t->lock, NULL);
	t->exec = exec;
	t->exec_ctx = ctx;
	t->active = TPM_TIS_NO_LOCALITY;
	t->state = TPM_TIS_IDLE;
}

void tpm_tis_destroy(struct tpm_tis *t)
{
	pthread_mutex_destroy(&t->lock);
}

static int holds(const struct tpm_tis *t, unsigned int loc)
{
	return t->active == loc;
}

/* The buffer emptied, in state s. */
static void enter(struct tpm_tis *t, enum tpm_tis_state s)
{
	t->state = (uint8_t)s;
	t->len = 0;
	t->pos = 0;
	t->oversized = 0;
}

static void grant(struct tpm_tis *t, unsigned int loc)
{
	t->active = (uint8_t)loc;
	t->waiting &= (uint8_t) ~(1u << loc);
	enter(t, TPM_TIS_IDLE);
}

/* The active locality gives up access: to the highest waiting one. */
static void relinquish(struct tpm_tis *t)
{
	t->active = TPM_TIS_NO_LOCALITY;
	enter(t, TPM_TIS_IDLE);
	for (unsigned int l = TPM_TIS_LOCALITIES; l-- > 0;)
		if (t->waiting & (1u << l)) {
			grant(t, l);
			return;
		}
}

static uint32_t access_get(const struct tpm_tis *t, unsigned int loc)
{
	uint32_t bit = 1u << loc;
	uint32_t a = TPM_TIS_ACCESS_VALID | TPM_TIS_ACCESS_ESTABLISHMENT;

	if (holds(t, loc))
		a |= TPM_TIS_ACCESS_ACTIVE;
	if (t->seized & bit)
		a |= TPM_TIS_ACCESS_BEEN_SEIZED;
	if (t->waiting & ~bit)
		a |= TPM_TIS_ACCESS_PENDING;
	if (t->waiting & bit)
		a |= TPM_TIS_ACCESS_REQUEST_USE;
	return a;
}

static int seize(struct tpm_tis *t, unsigned int loc)
{
	if (t->active != TPM_TIS_NO_LOCALITY && loc <= t->active)
		return -1;
	if (t->active != TPM_TIS_NO_LOCALITY)
		t->seized |= (uint8_t)(1u << t->active);
	grant(t, loc);
	return 0;
}

static int access_put(struct tpm_tis *t, unsigned int loc, uint32_t v,
		      uint32_t mask)
{
	uint8_t bit = (uint8_t)(1u << loc);

	(void)mask;
	if (v & TPM_TIS_ACCESS_SEIZE)
		return seize(t, loc);
	if (v & TPM_TIS_ACCESS_BEEN_SEIZED)
		t->seized &= (uint8_t)~bit;
	if (v & TPM_TIS_ACCESS_ACTIVE) {
		if (holds(t, loc))
			relinquish(t);
		else
			t->waiting &= (uint8_t)~bit;
	}
	if (v & TPM_TIS_ACCESS_REQUEST_USE) {
		if (t->active == TPM_TIS_NO_LOCALITY)
			grant(t, loc);
		else if (!holds(t, loc))
			t->waiting |= bit;
	}
	return 0;
}

static uint32_t int_enable_get(const struct tpm_tis *t, unsigned int loc)
{
	return t->int_enable[loc];
}

static int int_enable_put(struct tpm_tis *t, unsigned int loc, uint32_t v,
			  uint32_t mask)
{
	t->int_enable[loc] = (t->int_enable[loc] & ~mask) | (v & mask);
	return 0;
}

static uint32_t int_vector_get(const struct tpm_tis *t, unsigned int loc)
{
	return t->int_vector[loc];
}

static int int_vector_put(struct tpm_tis *t, unsigned int loc, uint32_t v,
			  uint32_t mask)
{
	(void)mask;
	t->int_vector[loc] = (uint8_t)v;
	return 0;
}

/* INT_STATUS: nothing is ever raised, so nothing to clear. */
static int int_status_put(struct tpm_tis *t, unsigned int loc, uint32_t v,
			  uint32_t mask)
{
	(void)t;
	(void)loc;
	(void)v;
	(void)mask;
	return 0;
}

/* Reception: fewer bytes than a size field, or than that size. */
static int expecting(const struct tpm_tis *t)
{
	return t->len < TPM_HDR_SIZE_OFF + 4 ||
	       t->len < get_be32(t->cmd + TPM_HDR_SIZE_OFF);
}

static uint32_t sts_get(const struct tpm_tis *t, unsigned int loc)
{
	uint32_t s = TPM_TIS_STS_VALID | TPM_TIS_STS_FAMILY_TPM2, burst = 0;

	(void)loc;
	switch ((enum tpm_tis_state)t->state) {
	case TPM_TIS_READY:
		s |= TPM_TIS_STS_COMMAND_READY;
		burst = TPM_TIS_BUF_SIZE;
		break;
	case TPM_TIS_RECEPTION:
		if (expecting(t))
			s |= TPM_TIS_STS_EXPECT;
		burst = TPM_TIS_BUF_SIZE - t->len;
		break;
	case TPM_TIS_COMPLETION:
		if (t->pos < t->len)
			s |= TPM_TIS_STS_DATA_AVAIL;
		burst = t->len - t->pos;
		break;
	case TPM_TIS_IDLE:
		break;
	}
	return s | (burst > 0xFFFFu ? 0xFFFFu : burst)
			   << TPM_TIS_STS_BURST_SHIFT;
}

/* tpmGo: the bytes received, through tpm_iface.h's rule. */
static void run(struct tpm_tis *t, unsigned int loc)
{
	size_t len = t->oversized ? TPM_TIS_BUF_SIZE + 1u : t->len;
	int malformed;

	t->commands++;
	t->len = (uint32_t)tpm_iface_run(t->exec, t->exec_ctx, loc, t->cmd, len,
					 TPM_TIS_BUF_SIZE, t->rsp, &malformed);
	t->malformed += (uint64_t)malformed;
	t->pos = 0;
	t->oversized = 0;
	t->state = TPM_TIS_COMPLETION;
}

static int sts_put(struct tpm_tis *t, unsigned int loc, uint32_t v,
		   uint32_t mask)
{
	uint32_t act = v & (TPM_TIS_STS_COMMAND_READY | TPM_TIS_STS_GO |
			    TPM_TIS_STS_RESPONSE_RETRY);

	(void)mask;
	if (act & (act - 1))
		return -1; /* more than one: ambiguous */
	switch (act) {
	case TPM_TIS_STS_COMMAND_READY:
		enter(t, TPM_TIS_READY);
		return 0;
	case TPM_TIS_STS_GO:
		if (t->state != TPM_TIS_RECEPTION)
			return -1;
		run(t, loc);
		return 0;
	case TPM_TIS_STS_RESPONSE_RETRY:
		if (t->state != TPM_TIS_COMPLETION)
			return -1;
		t->pos = 0;
		return 0;
	default: /* commandCancel, resetEstablishmentBit, RO bits */
		return 0;
	}
}

static const struct tis_reg regs[] = {
	{ TPM_TIS_ACCESS, 1, REG_READ_ANY | REG_WRITE_ANY, 0, access_get,
	  access_put },
	{ TPM_TIS_INT_ENABLE, 4, REG_READ_ANY, 0, int_enable_get,
	  int_enable_put },
	{ TPM_TIS_INT_VECTOR, 1, REG_READ_ANY, 0, int_vector_get,
	  int_vector_put },
	{ TPM_TIS_INT_STATUS, 4, REG_READ_ANY, 0, NULL, int_status_put },
	{ TPM_TIS_INTF_CAPABILITY, 4, REG_READ_ANY,
	  TPM_TIS_INTF_CAPABILITY_VALUE, NULL, NULL },
	{ TPM_TIS_STS, 4, 0, 0, sts_get, sts_put },
	{ TPM_TIS_DATA_FIFO, 4, REG_FIFO, 0, NULL, NULL },
	{ TPM_TIS_INTERFACE_ID, 4, REG_READ_ANY, TPM_TIS_INTERFACE_ID_VALUE,
	  NULL, NULL },
	{ TPM_TIS_XDATA_FIFO, TPM_TIS_XDATA_FIFO_LEN, REG_FIFO, 0, NULL, NULL },
	{ TPM_TIS_DID_VID, 4, REG_READ_ANY, TPM_TIS_DID_VID_VALUE, NULL, NULL },
	{ TPM_TIS_RID, 1, REG_READ_ANY, TPM_TIS_RID_VALUE, NULL, NULL },
};

/* The register holding page offset o, or NULL. */
static const struct tis_reg *reg_at(uint32_t o)
{
	for (size_t i = 0; i < sizeof(regs) / sizeof(regs[0]); i++)
		if (o >= regs[i].off && o < regs[i].off + regs[i].width)
			return &regs[i];
	return NULL;
}

/* FIFO bytes of a read: the response's next ones. 1 if any was refused. */
static int fifo_read(struct tpm_tis *t, uint8_t *p, uint32_t n)
{
	int refused = 0;

	for (uint32_t i = 0; i < n; i++) {
		if (t->state == TPM_TIS_COMPLETION && t->pos < t->len) {
			p[i] = t->rsp[t->pos++];
		} else {
			p[i] = 0xFF;
			refused = 1;
		}
	}
	return refused;
}

/* FIFO bytes of a write: appended to the command. 1 if refused. */
static int fifo_write(struct tpm_tis *t, const uint8_t *p, uint32_t n)
{
	int refused = 0;

	if (t->state == TPM_TIS_READY)
		enter(t, TPM_TIS_RECEPTION);
	if (t->state != TPM_TIS_RECEPTION)
		return 1;
	for (uint32_t i = 0; i < n; i++) {
		if (t->len < TPM_TIS_BUF_SIZE) {
			t->cmd[t->len++] = p[i];
		} else {
			t->oversized = 1;
			refused = 1;
		}
	}
	return refused;
}

/* The page and offset of off; *n: the access's bytes inside that page. */
static unsigned int page_of(uint64_t off, unsigned int len, uint32_t *in,
			    uint32_t *n)
{
	*in = (uint32_t)(off % TPM_TIS_PAGE);
	*n = TPM_TIS_PAGE - *in < len ? TPM_TIS_PAGE - *in : len;
	return (unsigned int)(off / TPM_TIS_PAGE);
}

/* The bytes of access [o, o+n) that fall in r (o inside r). */
static uint32_t span(const struct tis_reg *r, uint32_t o, uint32_t n)
{
	uint32_t left = (uint32_t)r->off + r->width - o;

	return n < left ? n : left;
}

/* One register's bytes p[0..k) of a read at page offset o. 1: refused. */
static int read_reg(struct tpm_tis *t, unsigned int loc,
		    const struct tis_reg *r, uint32_t o, uint8_t *p, uint32_t k)
{
	uint32_t v;

	if (!(r->flags & REG_READ_ANY) && !holds(t, loc))
		return 1;
	if (r->flags & REG_FIFO)
		return fifo_read(t, p, k);
	v = r->get ? r->get(t, loc) : r->value;
	for (uint32_t j = 0; j < k; j++)
		p[j] = (uint8_t)(v >> (8 * (o + j - r->off)));
	return 0;
}

static int write_reg(struct tpm_tis *t, unsigned int loc,
		     const struct tis_reg *r, uint32_t o, const uint8_t *p,
		     uint32_t k)
{
	uint32_t v = 0, mask = 0;

	if (!(r->flags & REG_WRITE_ANY) && !holds(t, loc))
		return 1;
	if (r->flags & REG_FIFO)
		return fifo_write(t, p, k);
	if (!r->put)
		return 1;
	for (uint32_t j = 0; j < k; j++) {
		v |= (uint32_t)p[j] << (8 * (o + j - r->off));
		mask |= 0xFFu << (8 * (o + j - r->off));
	}
	return r->put(t, loc, v, mask) < 0;
}

void tpm_tis_read(struct tpm_tis *t, uint64_t off, uint8_t *data,
		  unsigned int len)
{
	uint32_t in, n, k;
	unsigned int loc;
	int refused = 0;

	if (len > 8)
		return;
	memset(data, 0xFF, len);
	if (off >= TPM_TIS_SIZE)
		return;
	loc = page_of(off, len, &in, &n);
	pthread_mutex_lock(&t->lock);
	for (uint32_t i = 0; i < n; i += k) {
		const struct tis_reg *r = reg_at(in + i);

		k = r ? span(r, in + i, n - i) : 1;
		if (r && read_reg(t, loc, r, in + i, data + i, k))
			refused = 1;
	}
	t->refused += (uint64_t)refused;
	pthread_mutex_unlock(&t->lock);
}

void tpm_tis_write(struct tpm_tis *t, uint64_t off, const uint8_t *data,
		   unsigned int len)
{
	uint32_t in, n, k;
	unsigned int loc;
	int refused = 0;

	if (off >= TPM_TIS_SIZE || len > 8)
		return;
	loc = page_of(off, len, &in, &n);
	pthread_mutex_lock(&t->lock);
	for (uint32_t i = 0; i < n; i += k) {
		const struct tis_reg *r = reg_at(in + i);

		k = r ? span(r, in + i, n - i) : 1;
		if (loc == TPM_TIS_HW_LOCALITY || !r ||
		    write_reg(t, loc, r, in + i, data + i, k))
			refused = 1;
	}
	t->refused += (uint64_t)refused;
	pthread_mutex_unlock(&t->lock);
}

static void mmio_read(void *priv, uint64_t off, uint8_t *data, unsigned int len)
{
	tpm_tis_read(priv, off, data, len);
}

static void mmio_write(void *priv, uint64_t off, const uint8_t *data,
		       unsigned int len)
{
	tpm_tis_write(priv, off, data, len);
}

const struct mmio_ops tpm_tis_mmio_ops = {
	.name = "tpm-tis",
	.base = TPM_TIS_GPA,
	.len = TPM_TIS_SIZE,
	.read = mmio_read,
	.write = mmio_write,
};
