// SPDX-License-Identifier: MIT
/* KVM's binary statistics of a vCPU (kvm_stats.h). */
#include "kvm_stats.h"
#include "errf.h"

#include "mantle_bytes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The kernel's names (arch/x86/kvm/x86.c and the generic vCPU stats). */
const char *const kvm_stats_names[KVM_STAT_COUNT] = {
	[KVM_STAT_EXITS] = "exits",
	[KVM_STAT_HALT_EXITS] = "halt_exits",
	[KVM_STAT_HALT_WAKEUP] = "halt_wakeup",
	[KVM_STAT_BLOCKING] = "blocking",
};

int kvm_stats_header_parse(const uint8_t *buf, size_t len,
			   struct kvm_stats_hdr *h)
{
	struct cursor c = cur_init(buf, len);
	uint64_t desc_end;

	cur_skip(&c, 4); /* flags: 0 so far, nothing to check */
	h->name_size = cur_le32(&c);
	h->num_desc = cur_le32(&c);
	h->id_offset = cur_le32(&c);
	h->desc_offset = cur_le32(&c);
	h->data_offset = cur_le32(&c);
	if (!cur_ok(&c) || h->name_size == 0 ||
	    h->name_size > KVM_STATS_MAX_NAME || h->num_desc == 0 ||
	    h->num_desc > KVM_STATS_MAX_DESC ||
	    h->desc_offset < KVM_STATS_HDR_SIZE)
		return -1;
	desc_end = (uint64_t)h->desc_offset +
		   (uint64_t)h->num_desc *
			   (KVM_STATS_DESC_FIXED + (uint64_t)h->name_size);
	/* Header, id, descriptors, data: in that order, not overlapping. */
	return desc_end <= h->data_offset ? 0 : -1;
}

/* Which of our counters a descriptor name is, or -1. */
static int stat_index(const uint8_t *name, uint32_t name_size)
{
	if (!memchr(name, 0, name_size))
		return -2; /* not NUL-terminated: malformed */
	for (int i = 0; i < KVM_STAT_COUNT; i++)
		if (!strcmp((const char *)name, kvm_stats_names[i]))
			return i;
	return -1;
}

/* One descriptor at the cursor; records it in l if it is ours. */
static int take_desc(struct cursor *c, const struct kvm_stats_hdr *h,
		     struct kvm_stats_layout *l)
{
	uint16_t size;
	uint32_t off;
	const uint8_t *name;
	int i;

	cur_skip(c, 4 + 2); /* flags, exponent */
	size = cur_le16(c);
	off = cur_le32(c);
	cur_skip(c, 4); /* bucket_size */
	name = cur_take(c, h->name_size);
	if (!cur_ok(c))
		return -1;
	i = stat_index(name, h->name_size);
	if (i == -2)
		return -1;
	if (i < 0 || l->found[i])
		return 0;
	/* One 64-bit value at least, inside the data we are willing to read. */
	if (size == 0 || (uint64_t)off + 8 > KVM_STATS_MAX_DATA)
		return -1;
	l->off[i] = off;
	l->found[i] = 1;
	if (off + 8 > l->data_size)
		l->data_size = off + 8;
	return 0;
}

int kvm_stats_layout_parse(const uint8_t *buf, size_t len,
			   const struct kvm_stats_hdr *h,
			   struct kvm_stats_layout *l)
{
	struct cursor c = cur_init(buf, len);

	memset(l, 0, sizeof(*l));
	l->data_offset = h->data_offset;
	cur_skip(&c, h->desc_offset);
	for (uint32_t i = 0; i < h->num_desc; i++)
		if (take_desc(&c, h, l) < 0)
			return -1;
	/* Without a single progress counter there is nothing to watch. */
	if (!l->found[KVM_STAT_EXITS] && !l->found[KVM_STAT_HALT_EXITS] &&
	    !l->found[KVM_STAT_HALT_WAKEUP])
		return -1;
	return 0;
}

int kvm_stats_values(const struct kvm_stats_layout *l, const uint8_t *data,
		     size_t len, uint64_t v[KVM_STAT_COUNT])
{
	if (len < l->data_size)
		return -1;
	for (int i = 0; i < KVM_STAT_COUNT; i++)
		v[i] = l->found[i] ? get_le64(data + l->off[i]) : 0;
	return 0;
}

static int pread_all(int fd, void *buf, size_t len, uint64_t off)
{
	ssize_t n = pread(fd, buf, len, (off_t)off);

	return n == (ssize_t)len ? 0 : -1;
}

int kvm_stats_layout_read(int fd, struct kvm_stats_layout *l, char *err,
			  size_t errlen)
{
	uint8_t hdr[KVM_STATS_HDR_SIZE];
	struct kvm_stats_hdr h;
	size_t len;
	uint8_t *buf;
	int rc;

	if (pread_all(fd, hdr, sizeof(hdr), 0) < 0 ||
	    kvm_stats_header_parse(hdr, sizeof(hdr), &h) < 0)
		return errf(err, errlen, "bad KVM stats header");
	/* From offset 0 to the end of the descriptors (bounded above). */
	len = (size_t)h.desc_offset +
	      (size_t)h.num_desc * (KVM_STATS_DESC_FIXED + h.name_size);
	buf = malloc(len);
	if (!buf)
		return errf(err, errlen, "out of memory");
	rc = pread_all(fd, buf, len, 0);
	if (rc == 0)
		rc = kvm_stats_layout_parse(buf, len, &h, l);
	free(buf);
	if (rc < 0)
		return errf(err, errlen,
			    "KVM stats descriptors unreadable or without "
			    "the exits/halt counters");
	return 0;
}

int kvm_stats_sample(int fd, const struct kvm_stats_layout *l,
		     uint64_t v[KVM_STAT_COUNT])
{
	uint8_t data[KVM_STATS_MAX_DATA];

	if (pread_all(fd, data, l->data_size, l->data_offset) < 0)
		return -1;
	return kvm_stats_values(l, data, l->data_size, v);
}
