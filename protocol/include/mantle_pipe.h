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

/* Check a received pipe data packet of len bytes (already mtl_pkt_check()ed):
 * returns an enum mtl_status. */
mtl_u32 mtl_pipe_data_check(const struct mtl_pipe_data *p, mtl_u32 len);

#endif /* MANTLE_PIPE_H */
