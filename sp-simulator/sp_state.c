// SPDX-License-Identifier: MIT
/*
 * The state directory (SPEC.md §3): created 0700 on first use, refused
 * loudly when it or a file in it is not this user's alone; files written
 * atomically (temp file, fsync, rename, fsync of the directory); one lock
 * so that two simulators never generate a chip in the same place at once.
 */
#define _GNU_SOURCE
#include "sp.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#define SP_DIR_MODE 0700
#define SP_FILE_MODE 0600

int sp_state_default(char *out, size_t size)
{
	const char *xdg = getenv("XDG_DATA_HOME");
	const char *home = getenv("HOME");
	int n;

	if (xdg && xdg[0] == '/')
		n = snprintf(out, size, "%s/mantle/sp", xdg);
	else if (home && home[0] == '/')
		n = snprintf(out, size, "%s/.local/share/mantle/sp", home);
	else
		return -1;
	return n < 0 || (size_t)n >= size ? -1 : 0;
}

/* An existing directory must be ours and closed to everyone else. */
static int check_dir(const char *dir, const struct stat *st)
{
	if (!S_ISDIR(st->st_mode)) {
		sp_log("state directory %s is not a directory", dir);
		return -1;
	}
	if (st->st_uid != geteuid()) {
		sp_log("state directory %s is owned by uid %u, not by this "
		       "user (%u): refusing to use it",
		       dir, (unsigned)st->st_uid, (unsigned)geteuid());
		return -1;
	}
	if (st->st_mode & 077) {
		sp_log("state directory %s has mode %03o: it holds the chip's "
		       "secrets and must be 0700 (chmod 700 it, or remove it "
		       "to start a new chip)",
		       dir, (unsigned)(st->st_mode & 0777));
		return -1;
	}
	return 0;
}

/* mkdir -p with mode 0700 for every directory it creates. */
static int make_dirs(const char *dir)
{
	char path[PATH_MAX];
	size_t n = strlen(dir);

	if (n == 0 || n >= sizeof(path)) {
		sp_log("state directory path is empty or too long");
		return -1;
	}
	memcpy(path, dir, n + 1);
	for (char *p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, SP_DIR_MODE) && errno != EEXIST) {
			sp_log("cannot create %s: %s", path, strerror(errno));
			return -1;
		}
		*p = '/';
	}
	if (mkdir(path, SP_DIR_MODE) && errno != EEXIST) {
		sp_log("cannot create state directory %s: %s", path,
		       strerror(errno));
		return -1;
	}
	return 0;
}

/* lstat of dir, creating it (and its parents) when it does not exist. */
static int stat_or_create(const char *dir, struct stat *st)
{
	if (!lstat(dir, st))
		return 0;
	if (errno != ENOENT) {
		sp_log("state directory %s: %s", dir, strerror(errno));
		return -1;
	}
	if (make_dirs(dir))
		return -1;
	if (lstat(dir, st)) {
		sp_log("state directory %s: %s", dir, strerror(errno));
		return -1;
	}
	sp_log("created state directory %s (a new simulated chip)", dir);
	return 0;
}

int sp_state_lock(const char *dir)
{
	struct stat st;
	char path[PATH_MAX];
	int fd;

	if (stat_or_create(dir, &st) || check_dir(dir, &st))
		return -1;
	if ((size_t)snprintf(path, sizeof(path), "%s/lock", dir) >=
	    sizeof(path))
		return -1;
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
		  SP_FILE_MODE);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		sp_log("cannot lock %s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	return fd;
}

void sp_state_unlock(int lockfd)
{
	if (lockfd >= 0)
		close(lockfd);
}

static int join(char *out, size_t size, const char *dir, const char *name)
{
	int n = snprintf(out, size, "%s/%s", dir, name);

	if (n < 0 || (size_t)n >= size) {
		sp_log("path %s/%s too long", dir, name);
		return -1;
	}
	return 0;
}

int sp_state_exists(const char *dir, const char *name)
{
	char path[PATH_MAX];
	struct stat st;

	return !join(path, sizeof(path), dir, name) && !lstat(path, &st);
}

static int check_file(const char *path, int fd, size_t max, struct stat *st)
{
	if (fstat(fd, st)) {
		sp_log("%s: %s", path, strerror(errno));
		return -1;
	}
	if (!S_ISREG(st->st_mode) || st->st_uid != geteuid() ||
	    (st->st_mode & 077)) {
		sp_log("%s is not a regular file of this user with mode 0600: "
		       "refusing it",
		       path);
		return -1;
	}
	if ((uint64_t)st->st_size > max) {
		sp_log("%s is larger than %zu bytes", path, max);
		return -1;
	}
	return 0;
}

int sp_state_read(const char *dir, const char *name, size_t max, uint8_t **buf,
		  size_t *len)
{
	char path[PATH_MAX];
	struct stat st;
	ssize_t n = 0;
	int fd;

	*buf = NULL;
	*len = 0;
	if (join(path, sizeof(path), dir, name))
		return -1;
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT)
		return 1;
	if (fd < 0) {
		sp_log("cannot open %s: %s", path, strerror(errno));
		return -1;
	}
	if (check_file(path, fd, max, &st))
		goto fail;
	*buf = malloc((size_t)st.st_size + 1);
	if (!*buf)
		goto fail;
	for (size_t got = 0; got < (size_t)st.st_size; got += (size_t)n) {
		n = read(fd, *buf + got, (size_t)st.st_size - got);
		if (n <= 0) {
			sp_log("cannot read %s: %s", path,
			       n ? strerror(errno) : "short file");
			goto fail;
		}
	}
	(*buf)[st.st_size] = 0; /* PEM readers like a terminator */
	*len = (size_t)st.st_size;
	close(fd);
	return 0;
fail:
	free(*buf);
	*buf = NULL;
	close(fd);
	return -1;
}

static int write_all(int fd, const uint8_t *p, size_t len)
{
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -1;
	r = fsync(fd);
	close(fd);
	return r;
}

int sp_state_write(const char *dir, const char *name, const void *buf,
		   size_t len)
{
	char path[PATH_MAX], tmp[PATH_MAX + 32];
	int fd, r;

	if (join(path, sizeof(path), dir, name) ||
	    (size_t)snprintf(tmp, sizeof(tmp), "%s.tmp.%ld", path,
			     (long)getpid()) >= sizeof(tmp))
		return -1;
	unlink(tmp);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		  SP_FILE_MODE);
	if (fd < 0) {
		sp_log("cannot create %s: %s", tmp, strerror(errno));
		return -1;
	}
	r = write_all(fd, buf, len) || fchmod(fd, SP_FILE_MODE) || fsync(fd);
	r |= close(fd);
	if (r || rename(tmp, path) || fsync_dir(dir)) {
		sp_log("cannot write %s: %s", path, strerror(errno));
		unlink(tmp);
		return -1;
	}
	return 0;
}
