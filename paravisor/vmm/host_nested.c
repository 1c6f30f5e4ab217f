// SPDX-License-Identifier: MIT
/* The host channels of the `nested` platform: plain files/devices. */
#include "host.h"
#include "errf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/fs.h>

struct host {
	int payload_fd;
	int console_fd;
	int own_console;
	uint64_t payload_size;
	uint64_t dropped;
};

struct host *host_open(const char *payload_path, const char *console_path,
		       char *err, size_t errlen)
{
	struct host *h = calloc(1, sizeof(*h));
	struct stat st;

	if (!h) {
		errf(err, errlen, "out of memory");
		return NULL;
	}
	h->console_fd = STDOUT_FILENO;
	h->payload_fd = open(payload_path, O_RDONLY | O_CLOEXEC);
	if (h->payload_fd < 0) {
		errf(err, errlen, "cannot open payload %s: %s", payload_path,
		     strerror(errno));
		goto fail;
	}
	if (fstat(h->payload_fd, &st) < 0) {
		errf(err, errlen, "cannot stat payload %s: %s", payload_path,
		     strerror(errno));
		goto fail;
	}
	if (S_ISBLK(st.st_mode)) {
		if (ioctl(h->payload_fd, BLKGETSIZE64, &h->payload_size) < 0) {
			errf(err, errlen, "cannot size payload disk %s: %s",
			     payload_path, strerror(errno));
			goto fail;
		}
	} else if (S_ISREG(st.st_mode)) {
		h->payload_size = (uint64_t)st.st_size;
	} else {
		errf(err, errlen, "payload %s is not a disk or file",
		     payload_path);
		goto fail;
	}
	if (console_path) {
		h->console_fd =
			open(console_path, O_WRONLY | O_CLOEXEC | O_NOCTTY);
		if (h->console_fd < 0) {
			errf(err, errlen, "cannot open console %s: %s",
			     console_path, strerror(errno));
			goto fail;
		}
		h->own_console = 1;
	}
	return h;
fail:
	host_close(h);
	return NULL;
}

void host_close(struct host *h)
{
	if (!h)
		return;
	if (h->payload_fd >= 0)
		close(h->payload_fd);
	if (h->own_console && h->console_fd >= 0)
		close(h->console_fd);
	free(h);
}

uint64_t host_payload_size(const struct host *h)
{
	return h->payload_size;
}

int host_payload_read(struct host *h, uint64_t off, void *buf, size_t len)
{
	uint8_t *p = buf;

	if (off > h->payload_size || len > h->payload_size - off)
		return -1;
	while (len) {
		ssize_t r = pread(h->payload_fd, p, len, (off_t)off);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		p += r;
		off += (uint64_t)r;
		len -= (size_t)r;
	}
	return 0;
}

void host_console_write(struct host *h, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t w = write(h->console_fd, p, len);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			h->dropped += len;
			return;
		}
		p += w;
		len -= (size_t)w;
	}
}

uint64_t host_console_dropped(const struct host *h)
{
	return h->dropped;
}
