/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The pipe class (protocol/SPEC.md 9.3) as pure functions: the pipe's name
 * from its offer's instance id, and PIPE_DATA packets. Tested by KUnit on
 * UML (kunit/mantle_pipe_kunit.c).
 *
 * Name: the offer's instance_id carries the pipe name's bytes, NUL-padded
 * to 16 bytes: 1..15 characters of [a-z0-9_-], then only NULs.
 */
#ifndef MANTLE_PIPE_MSG_H
#define MANTLE_PIPE_MSG_H

#include <linux/types.h>

#include "mantle_pipe.h"

#define MPIPE_NAME_MAX MTL_PIPE_NAME_MAX

/* 0 and name (NUL-terminated) filled; -EINVAL for anything but a valid,
 * NUL-padded name. */
int mpipe_name_from_instance(const u8 id[16], char name[MPIPE_NAME_MAX + 1]);

/* Payload bytes one packet of at most max_record bytes carries. */
u32 mpipe_payload_max(u32 max_record);

/* Fill the header of p, whose n data bytes are already in place, and zero
 * the padding; returns the packet's length (a multiple of 8). */
u32 mpipe_pack(struct mtl_pipe_data *p, u32 n);

/* A received packet (mtl_pkt_check()ed): 0 and *n its data bytes for
 * PIPE_DATA, 1 for PIPE_EOF (the host end closed), or -EBADMSG. */
int mpipe_unpack(const void *pkt, u32 len, u32 *n);

#endif /* MANTLE_PIPE_MSG_H */
