// SPDX-License-Identifier: GPL-2.0
/* Pipe names and PIPE_DATA packets (pipe_msg.h). */
#include <linux/errno.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "pipe_msg.h"

static bool name_char_ok(u8 c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
	       c == '-';
}

int mpipe_name_from_instance(const u8 id[16], char name[MPIPE_NAME_MAX + 1])
{
	u32 n = 0, i;

	while (n < 16 && id[n] != 0) {
		if (!name_char_ok(id[n]))
			return -EINVAL;
		n++;
	}
	if (n == 0 || n > MPIPE_NAME_MAX)
		return -EINVAL;
	for (i = n; i < 16; i++)
		if (id[i] != 0)
			return -EINVAL;
	memcpy(name, id, n);
	name[n] = '\0';
	return 0;
}

u32 mpipe_payload_max(u32 max_record)
{
	u32 max = max_record & ~7u;

	return max > sizeof(struct mtl_pipe_data) ?
		       max - sizeof(struct mtl_pipe_data) :
		       0;
}

u32 mpipe_pack(struct mtl_pipe_data *p, u32 n)
{
	u32 len = ALIGN(sizeof(*p) + n, 8);

	memset(p->data + n, 0, len - sizeof(*p) - n);
	p->hdr.type = MTL_MSG_PIPE_DATA;
	p->hdr.flags = 0;
	p->hdr.len8 = len / 8;
	p->hdr.reserved = 0;
	p->hdr.txid = 0;
	p->byte_count = n;
	p->reserved0 = 0;
	return len;
}

int mpipe_unpack(const void *pkt, u32 len, u32 *n)
{
	const struct mtl_pipe_data *p = pkt;
	const struct mtl_pkt_hdr *h = pkt;

	if (len == sizeof(*h) && h->type == MTL_MSG_PIPE_EOF && h->flags == 0)
		return 1;
	if (len < sizeof(*p) || p->hdr.type != MTL_MSG_PIPE_DATA ||
	    p->hdr.flags != 0)
		return -EBADMSG;
	if (mtl_pipe_data_check(p, len) != MTL_STATUS_OK)
		return -EBADMSG;
	*n = p->byte_count;
	return 0;
}
