// SPDX-License-Identifier: MIT
/* mantle-verify: the relying party's offline attestation verifier. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

static const char help[] =
	"NAME\n"
	"    mantle-verify - check confidential-VM attestation evidence offline\n"
	"\n"
	"SYNOPSIS\n"
	"    mantle-verify snp-report --report F --vcek F --ca F [--at TIME]\n"
	"    mantle-verify tdx-quote --quote F --root F [--collateral DIR] "
	"[--at TIME]\n"
	"    mantle-verify tpm-quote --attest F --sig F --ak F [--pcrs F] "
	"[--nonce HEX]\n"
	"    mantle-verify hcl-report --report F --vcek F --ca F [--at TIME]\n"
	"    mantle-verify hcl-report --report F --quote F --root F [--at TIME]\n"
	"    mantle-verify eventlog --log F [--pcrs F]\n"
	"    mantle-verify evidence --evidence F --policy F --key F [--at TIME]\n"
	"                  [--details F]\n"
	"    mantle-verify pubkey --key F\n"
	"    mantle-verify [COMMAND] --help\n"
	"\n"
	"DESCRIPTION\n"
	"    Runs on the relying party's side, outside the confidential VM, and\n"
	"    trusts only the hardware vendors' roots given to it. Each format\n"
	"    command checks authenticity (signatures, certificate chains, TCB\n"
	"    against the certificate, chip id, must-be-zero fields, nonce and\n"
	"    hash bindings) and prints a JSON document with the decoded fields,\n"
	"    the certificate subjects, the checks passed, appraisal warnings\n"
	"    (debug, VMPL, provisional firmware...) and the reasons for the\n"
	"    verdict. Only 'evidence --policy' enforces appraisal policy; it\n"
	"    prints an EAR attestation result as a JWT signed ES384.\n"
	"\n"
	"    Binary inputs may also be given as hex text. Certificates are DER or\n"
	"    PEM; --ca and --root are PEM bundles; in a --vcek bundle the first\n"
	"    certificate is the VCEK or VLEK. TIME is RFC 3339, e.g.\n"
	"    2025-06-01T00:00:00Z; without --at the current time is used.\n"
	"\n"
	"EXIT STATUS\n"
	"    0  verified\n"
	"    1  not verified: bad signature, wrong chain, unsupported version or\n"
	"       key type inside the structure, non-zero reserved field,\n"
	"       unparseable claims, wrong nonce\n"
	"    2  usage error, unreadable file, or input that is not the named\n"
	"       kind of object (wrong overall size or container)\n";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
} cmds[] = {
	{ "snp-report", cmd_snp,
	  "    --report F  SEV-SNP ATTESTATION_REPORT (1184 bytes, v2..v5)\n"
	  "    --vcek F    VCEK or VLEK (DER or PEM; PEM may carry the chain)\n"
	  "    --ca F      PEM bundle with the ASK/ASVK and the ARK\n"
	  "    --at TIME   time for certificate validity\n"
	  "    Checks the ECDSA P-384 report signature, the chain ARK -> ASK\n"
	  "    (ASVK) -> VCEK (VLEK) with RSA-PSS SHA-384 salt 48, REPORTED_TCB\n"
	  "    and CHIP_ID against the certificate, reserved fields zero.\n" },
	{ "tdx-quote", cmd_tdx,
	  "    --quote F        Intel TDX quote v4 or v5\n"
	  "    --root F         PEM Intel SGX Root CA\n"
	  "    --collateral DIR tcb_info.json, qe_identity.json, their issuer\n"
	  "                     chains (tcb_info_issuer_chain.pem,\n"
	  "                     qe_identity_issuer_chain.pem), pckcrl (DER)\n"
	  "                     with pck_crl_issuer_chain.pem, rootcrl.der\n"
	  "    --at TIME        time for certificate and collateral validity\n"
	  "    Checks the attestation-key signature, the QE report signed by\n"
	  "    the PCK leaf, the QE report-data binding and the PCK chain; with\n"
	  "    collateral also the TCB info / QE identity signatures and CRLs.\n" },
	{ "tpm-quote", cmd_tpm,
	  "    --attest F  TPMS_ATTEST bytes as signed by the TPM\n"
	  "    --sig F     signature: TPMT_SIGNATURE, raw PKCS#1 v1.5 or DER ECDSA\n"
	  "    --ak F      attestation key, PEM SubjectPublicKeyInfo\n"
	  "    --pcrs F    SHA-256 bank: 24 raw 32-byte values concatenated\n"
	  "    --nonce HEX expected extraData (qualifying data)\n" },
	{ "hcl-report", cmd_hcl,
	  "    --report F  Azure-style HCLA report (SNP or TDX report inside)\n"
	  "    --vcek F    VCEK (SNP), as for snp-report\n"
	  "    --ca F      ASK+ARK (SNP) PEM bundle\n"
	  "    --quote F   TDX HCLA report: the TD quote made from its TDREPORT\n"
	  "                (a TDREPORT is MAC'd for its platform only)\n"
	  "    --root F    TDX HCLA report: PEM Intel SGX Root CA\n"
	  "    --at TIME   time for certificate validity\n"
	  "    Verifies the hardware report (SNP report, or the TDX quote and\n"
	  "    that it matches the TDREPORT), that REPORT_DATA[0:32] is SHA-256\n"
	  "    of the runtime claims as stored, and prints the claims.\n" },
	{ "eventlog", cmd_eventlog,
	  "    --log F   TCG PC Client crypto-agile event log\n"
	  "    --pcrs F  SHA-256 bank to compare (24 x 32 bytes)\n"
	  "    Replays every bank (StartupLocality honoured) and prints the\n"
	  "    PCRs; exits 0 without --pcrs when the log parses and replays.\n" },
	{ "evidence", cmd_evidence,
	  "    --evidence F  Mantle evidence bundle (JSON; verifier/EVIDENCE.md)\n"
	  "    --policy F    appraisal policy (JSON; verifier/EVIDENCE.md)\n"
	  "    --key F       verifier's P-384 private key (PEM)\n"
	  "    --at TIME     time for certificate validity\n"
	  "    --details F   also write the verification details (JSON)\n"
	  "    Prints an EAR (IETF RATS attestation result) JWT signed ES384.\n"
	  "    Exit 0 when the status is affirming or warning.\n" },
	{ "pubkey", cmd_pubkey,
	  "    --key F   verifier's P-384 key (PEM); prints the public JWK\n" },
};

int main(int argc, char **argv)
{
	size_t i;
	int j;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		fputs(help, argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (strcmp(argv[1], cmds[i].name))
			continue;
		for (j = 2; j < argc; j++) {
			if (!strcmp(argv[j], "--help") ||
			    !strcmp(argv[j], "-h")) {
				printf("mantle-verify %s\n\nOPTIONS\n%s\n"
				       "EXIT STATUS\n    0 verified, 1 not "
				       "verified, 2 usage or bad input "
				       "(see mantle-verify --help)\n",
				       cmds[i].name, cmds[i].help);
				return 0;
			}
		}
		return cmds[i].fn(argc - 2, argv + 2);
	}
	fprintf(stderr, "mantle-verify: unknown command '%s' (see --help)\n",
		argv[1]);
	return 2;
}
