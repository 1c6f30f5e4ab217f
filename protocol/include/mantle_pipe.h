/* SPDX-License-Identifier: MIT */
/*
 * Mantle protocol 1.0: pipe device class (SPEC.md 9.3), a byte stream in
 * each direction. The ring's own back-pressure is the flow control.
 */
#ifndef MANTLE_PIPE_H
#define MANTLE_PIPE_H

#include "mantle_types.h"
#include "mantle_proto.h"

#define MTL_PIPE_VERSION_1_0 MTL_VERSION(1, 0)

/*
 *   16           20          24
 *   +------------+-----------+--------------------------+-----+
 *   | byte_count | reserved  | data[byte_count]         | pad |
 *   +------------+-----------+--------------------------+-----+
 * pad (0..7 zero bytes) makes the packet a multiple of 8.
 */
struct mtl_pipe_data {
	struct mtl_pkt_hdr hdr;
	mtl_le32 byte_count; /* 1 .. len8 * 8 - 24, padding excluded */
	mtl_le32 reserved0;
	mtl_u8 data[];
};
MTL_ASSERT_SIZE(struct mtl_pipe_data, 24);
MTL_ASSERT_OFFSET(struct mtl_pipe_data, data, 24);

/*
 * MTL_MSG_PIPE_EOF (paravisor -> guest, header only, no completion): the
 * host end of the pipe closed. After the data before it the guest's reader
 * sees end of file; bytes the guest writes afterwards are discarded. The
 * channel stays open until the guest closes it.
 */

/* Pipe names travel in the offer's instance_id: the name's bytes (1..15 of
 * [a-z0-9_-]), NUL-padded to 16 bytes. */
#define MTL_PIPE_NAME_MAX 15u

/* Check a received pipe data packet of len bytes (already mtl_pkt_check()ed):
 * returns an enum mtl_status. */
mtl_u32 mtl_pipe_data_check(const struct mtl_pipe_data *p, mtl_u32 len);

#endif /* MANTLE_PIPE_H */
