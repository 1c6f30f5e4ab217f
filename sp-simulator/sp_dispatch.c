// SPDX-License-Identifier: MIT
/*
 * One IPC request in, one reply out (SPEC.md §1-2; mantle_sp_ipc.h). No
 * I/O here, so the fuzz target and the unit tests drive exactly what the
 * socket loop drives. Every request is hostile: a header or length that is
 * not as defined gets SP_ST_MALFORMED, and the simulator keeps serving.
 */
#include "sp.h"

#include <string.h>

#include <openssl/crypto.h>

#include "mantle_bytes.h"

static const char *const status_names[] = {
	[SP_ST_OK] = "OK",
	[SP_ST_MALFORMED] = "MALFORMED",
	[SP_ST_NOT_LAUNCHED] = "NOT_LAUNCHED",
	[SP_ST_LAUNCHED] = "LAUNCHED",
	[SP_ST_IMAGE] = "IMAGE",
	[SP_ST_GUEST_MSG] = "GUEST_MSG",
	[SP_ST_INTERNAL] = "INTERNAL",
};

const char *sp_status_name(unsigned int st)
{
	return st < sizeof(status_names) / sizeof(status_names[0]) ?
		       status_names[st] :
		       "?";
}

void sp_init(struct sp *sp, const struct sp_chip *chip,
	     const struct sp_reader *reader)
{
	memset(sp, 0, sizeof(*sp));
	sp->chip = chip;
	sp->reader = *reader;
}

void sp_fini(struct sp *sp)
{
	OPENSSL_cleanse(&sp->vm, sizeof(sp->vm));
}

/* Each handler: payload in, reply payload out (up to SP_IPC_MAX_PAYLOAD
 * bytes), an SP_ST_* back. */
typedef enum sp_ipc_status (*sp_handler)(struct sp *sp, const uint8_t *in,
					 size_t len, uint8_t *out,
					 size_t *out_len);

static enum sp_ipc_status do_launch(struct sp *sp, const uint8_t *in,
				    size_t len, uint8_t *out, size_t *out_len)
{
	enum sp_ipc_status st = sp_launch(&sp->vm, &sp->reader, in, len, out);

	if (st == SP_ST_OK)
		*out_len = SP_LAUNCH_REPLY_SIZE;
	return st;
}

static enum sp_ipc_status do_guest_msg(struct sp *sp, const uint8_t *in,
				       size_t len, uint8_t *out,
				       size_t *out_len)
{
	enum sp_guest_err e;

	if (!sp->vm.launched)
		return SP_ST_NOT_LAUNCHED;
	if (len > SNP_MSG_PAGE_SIZE)
		return SP_ST_MALFORMED;
	e = sp_guest_handle(&sp->vm, sp->chip, in, len, out, out_len);
	if (e == SP_GUEST_E_INTERNAL)
		return SP_ST_INTERNAL;
	if (e) {
		sp->stats.refused_guest++;
		sp_log("guest request refused: %s (%lu refused so far)",
		       sp_guest_strerror(e), sp->stats.refused_guest);
		return SP_ST_GUEST_MSG;
	}
	return SP_ST_OK;
}

static enum sp_ipc_status do_certs(struct sp *sp, const uint8_t *in, size_t len,
				   uint8_t *out, size_t *out_len)
{
	long n;

	(void)in;
	if (len)
		return SP_ST_MALFORMED;
	n = sp_certs_table(sp->chip, out, SP_IPC_MAX_PAYLOAD);
	if (n < 0)
		return SP_ST_INTERNAL;
	*out_len = (size_t)n;
	return SP_ST_OK;
}

static enum sp_ipc_status do_export_ca(struct sp *sp, const uint8_t *in,
				       size_t len, uint8_t *out,
				       size_t *out_len)
{
	long n;

	(void)in;
	if (len)
		return SP_ST_MALFORMED;
	n = sp_certs_ca_pem(sp->chip, out, SP_IPC_MAX_PAYLOAD);
	if (n < 0)
		return SP_ST_INTERNAL;
	*out_len = (size_t)n;
	return SP_ST_OK;
}

static const sp_handler handlers[] = {
	[SP_IPC_LAUNCH] = do_launch,
	[SP_IPC_GUEST_MSG] = do_guest_msg,
	[SP_IPC_GET_CERTS] = do_certs,
	[SP_IPC_EXPORT_CA] = do_export_ca,
};

/* The request's type when its header is as defined, else 0. */
static unsigned int check_header(const uint8_t *req, size_t len)
{
	unsigned int type;

	if (len < SP_IPC_HDR_SIZE || len > SP_IPC_MSG_MAX ||
	    memcmp(req, SP_IPC_MAGIC, 4) || get_le16(req + 6) != 0 ||
	    get_le32(req + 8) != len - SP_IPC_HDR_SIZE ||
	    get_le32(req + 12) != 0)
		return 0;
	type = get_le16(req + 4);
	if (type >= sizeof(handlers) / sizeof(handlers[0]) || !handlers[type])
		return 0;
	return type;
}

static size_t reply(uint8_t *rsp, unsigned int type, unsigned int st,
		    size_t len)
{
	memcpy(rsp, SP_IPC_MAGIC, 4);
	put_le16(rsp + 4, (uint16_t)type);
	put_le16(rsp + 6, 0);
	put_le32(rsp + 8, (uint32_t)len);
	put_le32(rsp + 12, st);
	return SP_IPC_HDR_SIZE + len;
}

size_t sp_dispatch(struct sp *sp, const uint8_t *req, size_t len, uint8_t *rsp)
{
	unsigned int type = check_header(req, len);
	enum sp_ipc_status st;
	size_t out_len = 0;

	sp->stats.requests++;
	if (!type) {
		sp->stats.malformed++;
		sp_log("request refused: malformed header (%zu bytes; %lu "
		       "malformed so far)",
		       len, sp->stats.malformed);
		return reply(rsp, len >= 6 ? get_le16(req + 4) : 0,
			     SP_ST_MALFORMED, 0);
	}
	st = handlers[type](sp, req + SP_IPC_HDR_SIZE, len - SP_IPC_HDR_SIZE,
			    rsp + SP_IPC_HDR_SIZE, &out_len);
	if (st != SP_ST_OK)
		out_len = 0;
	if (st == SP_ST_MALFORMED)
		sp->stats.malformed++;
	return reply(rsp, type, st, out_len);
}
