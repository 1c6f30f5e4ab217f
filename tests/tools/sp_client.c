// SPDX-License-Identifier: MIT
/*
 * sp-client: a test tool that plays `mantle` and the paravisor against a
 * real mantle-sp process, without booting anything. It starts mantle-sp
 * with a SOCK_SEQPACKET socketpair on fd 3, LAUNCHes the given image, asks
 * for one report (REPORT_DATA = the given hex, zero-padded) and one derived
 * key (VCEK root, no field selected, VMPL 0) under VMPCK0, and writes
 * OUTDIR/report.bin and OUTDIR/vcek.der (from GET_CERTS). It prints
 * "MEASURE launch=<hex>" and "KEY <hex>".
 *
 * usage: sp-client MANTLE_SP STATE KERNEL INITRD OUTDIR [REPORT_DATA_HEX]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mantle_bytes.h"
#include "mantle_sp_ipc.h"
#include "snp_msg.h"

#define MSG_MAX (SP_IPC_HDR_SIZE + SP_IPC_MAX_PAYLOAD)

static uint8_t buf[MSG_MAX];
static uint8_t rsp[MSG_MAX];

static void die(const char *what)
{
	fprintf(stderr, "sp-client: %s\n", what);
	exit(1);
}

/* One request; returns the reply's payload length (status must be OK). */
static size_t call(int fd, unsigned int type, const void *p, size_t len)
{
	ssize_t n;

	memcpy(buf, SP_IPC_MAGIC, 4);
	put_le16(buf + 4, (uint16_t)type);
	put_le16(buf + 6, 0);
	put_le32(buf + 8, (uint32_t)len);
	put_le32(buf + 12, 0);
	if (len)
		memcpy(buf + SP_IPC_HDR_SIZE, p, len);
	if (send(fd, buf, SP_IPC_HDR_SIZE + len, 0) < 0)
		die("send failed");
	n = recv(fd, rsp, sizeof(rsp), 0);
	if (n < (ssize_t)SP_IPC_HDR_SIZE || memcmp(rsp, SP_IPC_MAGIC, 4) ||
	    get_le32(rsp + 8) != (size_t)n - SP_IPC_HDR_SIZE)
		die("malformed reply");
	if (get_le32(rsp + 12) != SP_ST_OK) {
		fprintf(stderr, "sp-client: request %u: status %u\n", type,
			get_le32(rsp + 12));
		exit(1);
	}
	return (size_t)n - SP_IPC_HDR_SIZE;
}

static size_t put_str(uint8_t *p, const char *s)
{
	size_t n = strlen(s);

	put_le16(p, (uint16_t)n);
	memcpy(p + 2, s, n);
	return 2 + n;
}

static void write_file(const char *dir, const char *name, const void *p,
		       size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || fwrite(p, 1, len, f) != len || fclose(f))
		die("cannot write an output file");
}

static void hexline(const char *label, const uint8_t *p, size_t n)
{
	printf("%s", label);
	for (size_t i = 0; i < n; i++)
		printf("%02x", p[i]);
	printf("\n");
}

/* Seals a request under key with seqno, exchanges it, opens the reply. */
static void guest(int fd, const uint8_t *key, uint64_t seqno, uint8_t type,
		  const uint8_t *req, uint16_t len, uint8_t *out, size_t cap)
{
	uint8_t msg[SNP_MSG_PAGE_SIZE];
	struct snp_msg_meta m = { seqno, type, SNP_MSG_VERSION, 0, len };
	size_t n;

	if (snp_msg_seal(key, &m, req, msg, sizeof(msg)))
		die("seal failed");
	n = call(fd, SP_IPC_GUEST_MSG, msg, SNP_MSG_HDR_SIZE + len);
	if (snp_msg_open(key, rsp + SP_IPC_HDR_SIZE, n, &m, out, cap) ||
	    m.seqno != seqno + 1 || m.type != type + 1)
		die("response does not open or does not match");
	if (get_le32(out) != 0)
		die("firmware status not success");
}

static int spawn(const char *sp, const char *state, pid_t *pid)
{
	int sv[2];

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv))
		die("socketpair");
	*pid = fork();
	if (*pid == 0) {
		if (dup2(sv[1], 3) != 3)
			_exit(127);
		execl(sp, sp, "--state", state, "--ipc-fd", "3", (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	return sv[0];
}

int main(int argc, char **argv)
{
	static uint8_t launch[8192], page[SNP_MSG_MAX_PAYLOAD];
	uint8_t vmpck0[SNP_VMPCK_LEN], req[SNP_REPORT_REQ_SIZE] = { 0 };
	size_t n = SP_LAUNCH_FIXED, i;
	pid_t pid;
	int fd, st;

	if (argc < 6 || argc > 7)
		die("usage: sp-client MANTLE_SP STATE KERNEL INITRD OUTDIR "
		    "[REPORT_DATA_HEX]");
	fd = spawn(argv[1], argv[2], &pid);
	memset(launch, 0, SP_LAUNCH_FIXED);
	put_le64(launch, SP_DEFAULT_POLICY);
	memset(launch + SP_LAUNCH_HOST_DATA_OFF, 0x42, 32);
	put_le32(launch + SP_LAUNCH_CONFIG_OFF, 1); /* version */
	put_le32(launch + SP_LAUNCH_CONFIG_OFF + 4, 1); /* vcpus */
	put_le64(launch + SP_LAUNCH_CONFIG_OFF + 8, 768ull << 20);
	n += put_str(launch + n, argv[3]);
	n += put_str(launch + n, argv[4]);
	n += put_str(launch + n, "console=ttyS0 quiet panic=-1");
	if (call(fd, SP_IPC_LAUNCH, launch, n) != SP_LAUNCH_REPLY_SIZE)
		die("LAUNCH reply size");
	hexline("MEASURE launch=", rsp + SP_IPC_HDR_SIZE, SNP_MEASUREMENT_LEN);
	memcpy(vmpck0,
	       rsp + SP_IPC_HDR_SIZE + SNP_MEASUREMENT_LEN +
		       SNP_SECRETS_VMPCK_OFF(0),
	       SNP_VMPCK_LEN);

	for (i = 0; argc == 7 && argv[6][2 * i] && argv[6][2 * i + 1] &&
		    i < SNP_REPORT_DATA_LEN;
	     i++)
		sscanf(argv[6] + 2 * i, "%2hhx", &req[i]);
	guest(fd, vmpck0, 1, SNP_MSG_REPORT_REQ, req, sizeof(req), page,
	      sizeof(page));
	write_file(argv[5], "report.bin", page + SNP_REPORT_RSP_HDR,
		   SNP_REPORT_SIZE);

	memset(req, 0, SNP_KEY_REQ_SIZE);
	guest(fd, vmpck0, 3, SNP_MSG_KEY_REQ, req, SNP_KEY_REQ_SIZE, page,
	      sizeof(page));
	hexline("KEY ", page + SNP_KEY_RSP_KEY_OFF, SNP_DERIVED_KEY_LEN);

	n = call(fd, SP_IPC_GET_CERTS, NULL, 0);
	/* Entry 0 is the VCEK (sp-simulator/SPEC.md). */
	if (n < 24 ||
	    get_le32(rsp + SP_IPC_HDR_SIZE + 16) +
			    (size_t)get_le32(rsp + SP_IPC_HDR_SIZE + 20) >
		    n)
		die("certificate table");
	write_file(argv[5], "vcek.der",
		   rsp + SP_IPC_HDR_SIZE + get_le32(rsp + SP_IPC_HDR_SIZE + 16),
		   get_le32(rsp + SP_IPC_HDR_SIZE + 20));
	close(fd);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) ||
	    WEXITSTATUS(st) != 0)
		die("mantle-sp did not exit 0 at EOF");
	return 0;
}
