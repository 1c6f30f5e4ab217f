// SPDX-License-Identifier: MIT
/* mantle-verify hcl-report */
#include "cli.h"
#include "hcl_report.h"
#include "mv_util.h"
#include "mv_x509.h"
#include "snp_verify.h"
#include "tdx_verify.h"

#include <stdlib.h>

static void verify_snp(struct mv_result *r, const struct hcl_report *h,
		       const char *vcek, const char *ca, int64_t t)
{
	STACK_OF(X509) *vsk = NULL, *csk = NULL;
	struct snp_trust trust = { 0 };
	struct snp_report rep;
	char err[160];

	if (!vcek || !ca) {
		mv_fail(r, MV_BADINPUT,
			"an SNP HCLA report needs --vcek and --ca");
		return;
	}
	if (mv_certs_load_file(vcek, &vsk) < 0 ||
	    mv_certs_load_file(ca, &csk) < 0) {
		mv_fail(r, MV_BADINPUT, "--vcek or --ca holds no certificate");
		goto out;
	}
	if (snp_trust_load(&trust, vsk, csk, t, r) == MV_BADINPUT)
		goto out;
	snp_verify_report(&trust, h->hw, HCL_HW_SIZE, r);
	if (snp_report_parse(h->hw, HCL_HW_SIZE, &rep, err, sizeof(err)) ==
	    MV_OK)
		hcl_check_binding(h, SNP_FIELD(&rep, report_data), r);
out:
	snp_trust_free(&trust);
	sk_X509_pop_free(vsk, X509_free);
	sk_X509_pop_free(csk, X509_free);
}

static void verify_tdx(struct mv_result *r, const struct hcl_report *h,
		       const char *quote, const char *root, int64_t t)
{
	uint8_t *qbuf = NULL;
	size_t qlen;

	json_object_set_new(r->root, "tdreport", tdreport_json(h->hw));
	if (!mv_all_zero(h->hw + HCL_TDREPORT_SIZE,
			 HCL_HW_SIZE - HCL_TDREPORT_SIZE))
		mv_fail(r, MV_FAIL, "bytes after the TDREPORT are not zero");
	hcl_check_binding(h, h->hw + TDREPORT_REPORTDATA, r);
	if (!quote || !root) {
		mv_fail(r, MV_FAIL,
			"a TDREPORT is authenticated only by its platform; "
			"give the TD quote made from it (--quote) and the "
			"Intel root (--root)");
		return;
	}
	if (cli_load(r, "quote", quote, &qbuf, &qlen))
		return;
	tdx_verify_file_quote(r, qbuf, qlen, root, NULL, t);
	tdx_match_tdreport(r, qbuf, qlen, h->hw);
	free(qbuf);
}

int cmd_hcl(int argc, char **argv)
{
	const char *report = NULL, *vcek = NULL, *ca = NULL, *root = NULL,
		   *quote = NULL, *at = NULL;
	struct cli_opt opts[] = {
		{ "report", &report, 1 }, { "vcek", &vcek, 0 },
		{ "ca", &ca, 0 },	  { "root", &root, 0 },
		{ "quote", &quote, 0 },	  { "at", &at, 0 },
		{ NULL, NULL, 0 }
	};
	struct hcl_report h;
	struct mv_result r;
	uint8_t *buf = NULL;
	json_t *claims, *hdr;
	char err[160];
	size_t len;
	int64_t t;
	int rc;

	if (cli_parse("hcl-report", argc, argv, opts))
		return MV_BADINPUT;
	if (mv_result_init(&r, "hcl-report"))
		return MV_BADINPUT;
	if (cli_time(&r, at, &t) || cli_load(&r, "report", report, &buf, &len))
		goto out;
	rc = hcl_report_parse(buf, len, &h, err, sizeof(err));
	if (rc) {
		mv_fail(&r, rc, "%s", err);
		goto out;
	}
	hdr = json_object();
	hcl_header_json(&h, hdr);
	json_object_set_new(r.root, "hcl", hdr);
	if (h.report_type == HCL_TYPE_SNP)
		verify_snp(&r, &h, vcek, ca, t);
	else
		verify_tdx(&r, &h, quote, root, t);
	claims = hcl_claims(&h, &r);
	if (claims && !hcl_claims_key(claims, "HCLAkPub"))
		mv_warn(&r, "runtime claims carry no HCLAkPub key");
	json_decref(claims);
out:
	free(buf);
	return cli_finish(&r);
}
