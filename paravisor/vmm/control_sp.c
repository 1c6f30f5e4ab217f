// SPDX-License-Identifier: MIT
/* The secure processor over the control channel (control_sp.h). */
#include "control_sp.h"
#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <openssl/crypto.h>

#include "mantle_bytes.h"
#include "snp_certs.h"

/* The transport of snp_guest: one SP_MSG, never retried (SPEC.md §13). */
static int sp_exchange(void *arg, const uint8_t *req, size_t req_len,
		       uint8_t *rsp, size_t rsp_cap, size_t *rsp_len)
{
	struct control_sp *s = arg;
	uint32_t st = 0;
	int r;

	if (s->closed)
		return -1;
	r = hostif_client_sp_msg(s->c, req, req_len, rsp, rsp_cap, rsp_len,
				 &st);
	if (r) {
		pv_log("secure processor: guest message not answered: %s "
		       "(host status %u)",
		       hostif_strerror(r), st);
		return -1;
	}
	return 0;
}

/* Exactly one page: a shorter or longer file is refused. */
static int read_secrets(const char *path, uint8_t page[SNP_SECRETS_SIZE])
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t n;
	uint8_t extra;

	if (fd < 0) {
		pv_log("secure processor: --snp-secrets %s: %s", path,
		       strerror(errno));
		return -1;
	}
	while (got < SNP_SECRETS_SIZE &&
	       (n = read(fd, page + got, SNP_SECRETS_SIZE - got)) > 0)
		got += (size_t)n;
	n = got == SNP_SECRETS_SIZE ? read(fd, &extra, 1) : 0;
	close(fd);
	if (got != SNP_SECRETS_SIZE || n != 0) {
		pv_log("secure processor: --snp-secrets %s: not a secrets "
		       "page (%s than %u bytes)",
		       path, got != SNP_SECRETS_SIZE ? "shorter" : "longer",
		       SNP_SECRETS_SIZE);
		OPENSSL_cleanse(page, SNP_SECRETS_SIZE);
		return -1;
	}
	return 0;
}

/* Two reports: the right REPORT_DATA back, and sequence numbers in step. */
static enum snp_guest_err self_test(struct control_sp *s)
{
	static uint8_t report[SNP_REPORT_SIZE];
	uint8_t data[SNP_REPORT_DATA_LEN] = "mantle-paravisor self-test";
	enum snp_guest_err e = SNP_GUEST_OK;

	for (int i = 0; i < 2 && !e; i++) {
		data[SNP_REPORT_DATA_LEN - 1] = (uint8_t)i;
		e = snp_guest_report(&s->g, data, 0, report);
		if (!e && memcmp(report + SNP_R_REPORT_DATA, data,
				 SNP_REPORT_DATA_LEN)) {
			snp_guest_retire(&s->g);
			e = SNP_GUEST_E_RESPONSE;
		}
	}
	/* The platform's TCB, for the VMGS key: one guest message less. */
	if (!e)
		s->reported_tcb = get_le64(report + SNP_R_REPORTED_TCB);
	return e;
}

static void fetch_certs(struct control_sp *s)
{
	size_t off = 0;
	int r = hostif_client_sp_certs(s->c, s->certs, sizeof(s->certs),
				       &s->certs_len, NULL);

	if (r) {
		pv_log("secure processor: no certificate table from the host: "
		       "%s",
		       hostif_strerror(r));
		s->certs_len = 0;
		return;
	}
	s->vcek_len =
		snp_cert_find(s->certs, s->certs_len, SNP_CERT_GUID_VCEK, &off);
}

int control_sp_open(struct control_sp *s, struct hostif_client *c,
		    const char *path)
{
	static uint8_t page[SNP_SECRETS_SIZE];
	const struct snp_guest_transport t = { sp_exchange, s };
	enum snp_guest_err e;

	memset(s, 0, sizeof(*s));
	s->c = c;
	s->g.retired = 1;
	if (read_secrets(path, page))
		goto off;
	e = snp_guest_init(&s->g, page, 0, &t);
	OPENSSL_cleanse(page, sizeof(page)); /* VMPCK1-3 are not ours */
	if (e) {
		pv_log("secure processor: VMPCK0: %s", snp_guest_strerror(e));
		goto off;
	}
	if (!(hostif_client_features(c) & HOSTIF_F_SP)) {
		pv_log("secure processor: the host offers no relay (hostif SP "
		       "not negotiated)");
		snp_guest_retire(&s->g);
		goto off;
	}
	fetch_certs(s);
	e = self_test(s);
	if (e) {
		pv_log("secure processor: self-test MSG_REPORT_REQ failed: %s; "
		       "VMPCK0 retired",
		       snp_guest_strerror(e));
		goto off;
	}
	s->ready = 1;
	pv_log("secure processor: VMPCK0 ready, VCEK from host (%zu bytes), "
	       "report ok",
	       s->vcek_len);
	return 0;
off:
	pv_log("secure processor: none: booting without secure-processor "
	       "services");
	return -1;
}

struct snp_guest *control_sp_guest(struct control_sp *s)
{
	return s && s->ready && !s->g.retired && !s->closed ? &s->g : NULL;
}
