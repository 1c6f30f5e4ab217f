/* SPDX-License-Identifier: MIT */
/*
 * KVM's binary statistics (KVM_GET_STATS_FD, Linux >= 5.14): owns the parsing
 * of a vCPU stats file into the positions of the counters the stall watchdog
 * (stall.h) reads, and the reading of their values. The file is a header,
 * an id string, descriptors (a fixed part and a name each) and a data block
 * of 64-bit values. The kernel is trusted, but every offset and size is
 * still checked against the bytes at hand.
 */
#ifndef MANTLE_VMM_KVM_STATS_H
#define MANTLE_VMM_KVM_STATS_H

#include <stddef.h>
#include <stdint.h>

#define KVM_STATS_HDR_SIZE 24 /* struct kvm_stats_header */
#define KVM_STATS_DESC_FIXED 16 /* struct kvm_stats_desc without its name */
/* More than any kernel has (x86 vCPUs: about 60 descriptors with 48-byte
 * names, 4 KiB of data); what is beyond is refused, not read. */
#define KVM_STATS_MAX_DESC 1024
#define KVM_STATS_MAX_NAME 256
#define KVM_STATS_MAX_DATA (64u << 10)

/* The counters the watchdog reads, in this order (kvm_stats_names). */
enum kvm_stat {
	KVM_STAT_EXITS, /* every VM exit: the vCPU ran guest code */
	KVM_STAT_HALT_EXITS, /* the guest executed HLT */
	KVM_STAT_HALT_WAKEUP, /* a halted vCPU was woken */
	KVM_STAT_BLOCKING, /* instant: 1 while the vCPU thread blocks */
	KVM_STAT_COUNT,
};

extern const char *const kvm_stats_names[KVM_STAT_COUNT];

struct kvm_stats_hdr {
	uint32_t name_size, num_desc, id_offset, desc_offset, data_offset;
};

/* Where each counter sits in the data block; found[] says which exist. */
struct kvm_stats_layout {
	uint32_t data_offset; /* of the data block in the file */
	uint32_t data_size; /* bytes of the data block the counters need */
	uint32_t off[KVM_STAT_COUNT]; /* byte offset inside the data block */
	uint8_t found[KVM_STAT_COUNT];
};

/* The header in buf[0..len). 0, or -1 if short or inconsistent (name size
 * 0 or too large, too many descriptors, blocks overlapping the header). */
int kvm_stats_header_parse(const uint8_t *buf, size_t len,
			   struct kvm_stats_hdr *h);

/* The descriptor block: buf[0..len) is the file from offset 0 at least to
 * the end of the descriptors. 0 with the layout of the counters found, -1
 * if a descriptor is out of bounds, a name is not NUL-terminated, a counter
 * has no value or lies outside KVM_STATS_MAX_DATA, or no counter is found. */
int kvm_stats_layout_parse(const uint8_t *buf, size_t len,
			   const struct kvm_stats_hdr *h,
			   struct kvm_stats_layout *l);

/* The counters' values from the data block data[0..len) (read from
 * l->data_offset); missing counters read 0. -1 if len < l->data_size. */
int kvm_stats_values(const struct kvm_stats_layout *l, const uint8_t *data,
		     size_t len, uint64_t v[KVM_STAT_COUNT]);

/* The layout of an open stats fd (header and descriptors read with pread).
 * 0, or -1 with a message in err. */
int kvm_stats_layout_read(int fd, struct kvm_stats_layout *l, char *err,
			  size_t errlen);

/* One sample of the counters from an open stats fd; 0 or -1. */
int kvm_stats_sample(int fd, const struct kvm_stats_layout *l,
		     uint64_t v[KVM_STAT_COUNT]);

#endif
