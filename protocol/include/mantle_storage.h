/* SPDX-License-Identifier: MIT */
/*
 * Mantle protocol 1.0: storage device class (SPEC.md 9.1). SCSI commands on
 * LUNs of one virtual controller; data moves through guest page lists.
 */
#ifndef MANTLE_STORAGE_H
#define MANTLE_STORAGE_H

#include "mantle_types.h"
#include "mantle_proto.h"

#define MTL_STORAGE_VERSION_1_0 MTL_VERSION(1, 0)
#define MTL_STORAGE_CDB_MAX 16u
#define MTL_STORAGE_SENSE_MAX 64u

/* Direction of the data phase. */
#define MTL_STORAGE_DIR_NONE 0u
#define MTL_STORAGE_DIR_READ 1u /* device to guest memory */
#define MTL_STORAGE_DIR_WRITE 2u /* guest memory to device */

/* MTL_MSG_STORAGE_INFO is a bare header; this answers it. */
struct mtl_storage_info {
	struct mtl_pkt_hdr hdr;
	mtl_le32 status;
	mtl_le16 nr_luns;
	mtl_le16 reserved0;
	mtl_le32 max_transfer; /* bytes per request */
	mtl_le32 max_pages; /* page list entries per request */
	mtl_le32 queue_depth; /* requests in flight per channel */
	mtl_le32 reserved1;
};
MTL_ASSERT_SIZE(struct mtl_storage_info, 40);

/*
 *   16    18  19  20      24                40         56
 *   +-----+---+---+-------+----------------+----------+-------
 *   | lun |cdb|dir| rsvd  |   cdb[16]      | page list| gpfn[]
 *   |     |len|   |       |                | header   |
 *   +-----+---+---+-------+----------------+----------+-------
 * The page list is present (nr_pages > 0) iff dir != NONE.
 */
struct mtl_storage_request {
	struct mtl_pkt_hdr hdr;
	mtl_le16 lun;
	mtl_u8 cdb_len; /* 6..16 */
	mtl_u8 dir; /* MTL_STORAGE_DIR_* */
	mtl_le32 reserved0;
	mtl_u8 cdb[MTL_STORAGE_CDB_MAX];
	struct mtl_page_list data;
	mtl_le64 gpfn[]; /* data.nr_pages entries */
};
MTL_ASSERT_SIZE(struct mtl_storage_request, 56);
MTL_ASSERT_OFFSET(struct mtl_storage_request, cdb, 24);
MTL_ASSERT_OFFSET(struct mtl_storage_request, data, 40);
MTL_ASSERT_OFFSET(struct mtl_storage_request, gpfn, 56);

/* Completion of one storage request (same txid). */
struct mtl_storage_response {
	struct mtl_pkt_hdr hdr;
	mtl_le32 status; /* enum mtl_status: the transport's verdict */
	mtl_u8 scsi_status; /* SAM status byte when status == OK */
	mtl_u8 sense_len; /* valid bytes of sense */
	mtl_le16 reserved0;
	mtl_le32 transferred; /* bytes actually moved */
	mtl_le32 reserved1;
	mtl_u8 sense[MTL_STORAGE_SENSE_MAX];
};
MTL_ASSERT_SIZE(struct mtl_storage_response, 96);
MTL_ASSERT_OFFSET(struct mtl_storage_response, sense, 32);

#endif /* MANTLE_STORAGE_H */
