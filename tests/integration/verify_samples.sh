#!/bin/sh
# mantle-verify against the real public samples in ../shared/testdata: each
# one verifies or is rejected (with a reason) exactly as the testdata README
# says; tampering, wrong chains, expired certificates, wrong nonces and bad
# input give the documented exit codes. No VM needed.
. "$(dirname "$0")/mv_common.sh"
mv_setup python3
AT=2025-06-01T00:00:00Z
G=$T/go-sev-guest
ROOT=$T/go-tdx-guest/intel_sgx_root_ca.pem

# expect RC NAME ARGS...: run, check the exit code, and for a rejection
# check that the JSON carries at least one reason.
expect() {
	want=$1 name=$2
	shift 2
	n=$((n + 1))
	"$MV" "$@" >"$tmp/out.json" 2>"$tmp/err"
	rc=$?
	if [ "$rc" -ne "$want" ]; then
		echo "FAIL $name: exit $rc, want $want"
		sed 's/^/    /' "$tmp/err" | head -5
		python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print("    reasons:", d.get("reasons"))' "$tmp/out.json" 2>/dev/null
		fails=$((fails + 1))
		return
	fi
	if [ "$want" -eq 1 ] && ! python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); sys.exit(0 if d["reasons"] and not d["verified"] else 1)' "$tmp/out.json"; then
		echo "FAIL $name: rejected without a reason in the JSON"
		fails=$((fails + 1))
		return
	fi
	echo "ok   $name (exit $rc)"
}

# field NAME EXPR WANT: a value in the last JSON output.
field() {
	n=$((n + 1))
	got=$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$tmp/out.json" "$2" 2>&1)
	if [ "$got" != "$3" ]; then
		echo "FAIL $1: $2 = $got, want $3"
		fails=$((fails + 1))
	else
		echo "ok   $1"
	fi
}

# flip FILE OFFSET OUT: copy with one byte changed.
flip() {
	python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[int(sys.argv[2])]^=1; open(sys.argv[3],"wb").write(b)' "$1" "$2" "$3"
}

echo "== SEV-SNP reports"
expect 0 snp-milan-v2 snp-report --report $G/attestation.bin --vcek $G/vcek_milan.der --ca $G/ask_ark_milan.pem --at $AT
field snp-milan-v2-fields 'd["report"]["version"], d["report"]["policy"]["debug_allowed"], d["report"]["measurement"][:16], d["report"]["reported_tcb"]["microcode"]' "(2, True, 'b07af9620f3b839b', 68)"
field snp-milan-v2-debug-warning '"guest policy allows debugging" in d["warnings"]' True
expect 0 snp-milan-hex snp-report --report $T/virtee-sev/report_milan.hex --vcek $T/virtee-sev/vcek_milan.der --ca $G/ask_ark_milan.pem
field snp-milan-hex-fields 'd["report"]["current_firmware"], d["report"]["reported_tcb"]["snp"]' "('1.52.4', 8)"
expect 0 snp-trustee-v2-provisional snp-report --report $T/trustee/snp/test-report.bin --vcek $T/trustee/snp/test-vcek.der --ca $G/ask_ark_milan.pem
field snp-provisional-warning 'any("provisional" in w for w in d["warnings"])' True
expect 0 snp-genoa-v3 snp-report --report $T/trustee/snp/e2e-genoa-report-v3.bin --vcek $T/trustee/snp/e2e-genoa-vcek.der --ca $G/ask_ark_genoa.pem
field snp-genoa-product 'd["report"]["product"], d["report"]["cpuid"]["model"]' "('Genoa', 160)"
expect 0 snp-vlek-v3 snp-report --report $T/trustee/snp/test-vlek-report.bin --vcek $T/trustee/snp/test-vlek.der --ca $G/ask_ark_milan_vlek.pem --at $AT
field snp-vlek-fields 'd["report"]["vmpl"], d["report"]["signer_info"]["signing_key"], d["endorsement_key"]["ucode_spl"]' "(1, 'vlek', 217)"
# The VLEK expired on 2025-12-10: without --at "now" is used.
expect 1 snp-vlek-expired-now snp-report --report $T/trustee/snp/test-vlek-report.bin --vcek $T/trustee/snp/test-vlek.der --ca $G/ask_ark_milan_vlek.pem
field snp-vlek-expired-reason 'any("expired" in r for r in d["reasons"])' True
expect 1 snp-vlek-not-yet-valid snp-report --report $T/trustee/snp/test-vlek-report.bin --vcek $T/trustee/snp/test-vlek.der --ca $G/ask_ark_milan_vlek.pem --at 2020-01-01T00:00:00Z
# VCEK bundle that carries its chain (vcek.pem = VCEK, ASK, ARK).
# Wrong certificates / chains.
expect 1 snp-wrong-vcek snp-report --report $G/attestation.bin --vcek $T/virtee-sev/vcek_milan.der --ca $G/ask_ark_milan.pem --at $AT
expect 1 snp-wrong-chain snp-report --report $T/trustee/snp/e2e-genoa-report-v3.bin --vcek $T/trustee/snp/e2e-genoa-vcek.der --ca $G/ask_ark_milan.pem
expect 1 snp-vlek-vcek-chain snp-report --report $T/trustee/snp/test-vlek-report.bin --vcek $T/trustee/snp/test-vlek.der --ca $G/ask_ark_milan.pem --at $AT
expect 1 snp-synthetic-vcek snp-report --report $T/trustee/snp/test-report.bin --vcek $T/trustee/snp/test-vcek-invalid-legacy.der --ca $G/ask_ark_milan.pem
field snp-hwid-raw 'd["endorsement_key"]["hwid_encoding"], d["endorsement_key"]["hwid"][:8]' "('raw', '00010203')"
expect 1 snp-synthetic-vcek-wrapped snp-report --report $T/trustee/snp/test-report.bin --vcek $T/trustee/snp/test-vcek-invalid-new.der --ca $G/ask_ark_milan.pem
field snp-hwid-octet-string 'd["endorsement_key"]["hwid_encoding"], d["endorsement_key"]["hwid"][:8]' "('octet-string', '00010203')"
# virtee's negative test: bit 7 of byte 21 flipped.
python3 -c 'import sys; b=bytearray.fromhex(open(sys.argv[1]).read().strip()); b[21]^=0x80; open(sys.argv[2],"wb").write(b)' $T/virtee-sev/report_milan.hex "$tmp/v.bin"
expect 1 snp-virtee-bit7-byte21 snp-report --report "$tmp/v.bin" --vcek $T/virtee-sev/vcek_milan.der --ca $G/ask_ark_milan.pem
field snp-real-not-simulated 'd["simulated"], d["root"]' "(False, 'AMD ARK-Milan')"
# Single-byte changes inside the signed range [0, 0x2a0).
for off in 0 8 42 48 0x50 0x90 0x180 0x1a0 0x1e8 0x29f; do
	flip $T/trustee/snp/test-report.bin $((off)) "$tmp/t.bin"
	expect 1 "snp-tamper-$off" snp-report --report "$tmp/t.bin" --vcek $T/trustee/snp/test-vcek.der --ca $G/ask_ark_milan.pem
done
# Bad input: exit 2.
head -c 1000 $G/attestation.bin >"$tmp/short.bin"
expect 2 snp-wrong-size snp-report --report "$tmp/short.bin" --vcek $G/vcek_milan.der --ca $G/ask_ark_milan.pem
expect 2 snp-missing-file snp-report --report "$tmp/none" --vcek $G/vcek_milan.der --ca $G/ask_ark_milan.pem
expect 2 snp-vcek-not-cert snp-report --report $G/attestation.bin --vcek $G/attestation.bin --ca $G/ask_ark_milan.pem
expect 2 snp-missing-option snp-report --report $G/attestation.bin
expect 2 snp-bad-at snp-report --report $G/attestation.bin --vcek $G/vcek_milan.der --ca $G/ask_ark_milan.pem --at yesterday
expect 2 unknown-command frobnicate
expect 0 help --help

echo "== TDX quotes"
for q in go-tdx-guest/tdx_prod_quote_SPR_E4.dat go-tdx-guest/ccel/cos-113-tdx-quote.dat \
	azure-cvm-attestation-tools/td_quote_v4.dat azure-cvm-attestation-tools/td_quote_v5.dat \
	trustee/az-tdx-vtpm/td-quote.bin go-tdx-guest/quote_v5_sample.dat; do
	expect 0 "tdx-$(basename $q)" tdx-quote --quote $T/$q --root $ROOT --at 2026-02-03T00:00:00Z
done
expect 0 tdx-v5-now tdx-quote --quote $T/go-tdx-guest/quote_v5_sample.dat --root $ROOT
field tdx-v5-fields 'd["quote"]["version"], d["quote"]["body_type"], "rtmr3" in d["quote"]["body"], "mrservicetd" in d["quote"]["body"]' "(5, 3, True, True)"
expect 1 tdx-v5-not-yet-valid tdx-quote --quote $T/go-tdx-guest/quote_v5_sample.dat --root $ROOT --at 2023-07-01T00:00:00Z
expect 1 tdx-wrong-root tdx-quote --quote $T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat --root $G/ask_ark_milan.pem
for off in 0x30 0x100 0x200 0x277; do
	flip $T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat $((off)) "$tmp/q.dat"
	expect 1 "tdx-tamper-$off" tdx-quote --quote "$tmp/q.dat" --root $ROOT
done
python3 -c 'import sys; print(open(sys.argv[1],"rb").read().hex())' $T/azure-cvm-attestation-tools/td_quote_v5.dat >"$tmp/q.hex"
expect 0 tdx-hex-input tdx-quote --quote "$tmp/q.hex" --root $ROOT
head -c 600 $T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat >"$tmp/q.dat"
expect 2 tdx-truncated tdx-quote --quote "$tmp/q.dat" --root $ROOT
C=$tmp/coll
mkdir -p $C
cp $T/go-tdx-guest/sample_tcbInfo_response $C/tcb_info.json
cp $T/go-tdx-guest/sample_qeIdentity_response $C/qe_identity.json
cp $T/go-tdx-guest/pckcrl $T/go-tdx-guest/rootcrl.der $T/go-tdx-guest/*_issuer_chain.pem $C/
expect 0 tdx-collateral tdx-quote --quote $T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat --root $ROOT --collateral $C --at 2023-07-01T00:00:00Z
field tdx-collateral-tcb 'd["tcb_status"], d["fmspc"]' "('no match', '50806f000000')"
expect 1 tdx-collateral-stale tdx-quote --quote $T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat --root $ROOT --collateral $C
sed 's/"pcesvn":11/"pcesvn":12/' $T/go-tdx-guest/sample_tcbInfo_response >$C/tcb_info.json
expect 1 tdx-collateral-tampered tdx-quote --quote $T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat --root $ROOT --collateral $C --at 2023-07-01T00:00:00Z

echo "== TPM quotes"
A=$T/azure-cvm-tooling
CH=6368616c6c656e6765 # "challenge"
expect 0 tpm-azure tpm-quote --attest $A/tpm_quote_attest.bin --sig $A/tpm_quote_sig_rsassa_sha256.bin --ak $A/akpub.pem --pcrs $A/tpm_quote_pcrs_sha256_0-23.bin --nonce $CH
field tpm-azure-fields 'd["quote"]["pcr_digest"][:16], d["quote"]["clock_info"]["reset_count"], d["pcrs"]["17"][:8]' "('04fabd988106412e', 3, 'ffffffff')"
expect 1 tpm-wrong-nonce tpm-quote --attest $A/tpm_quote_attest.bin --sig $A/tpm_quote_sig_rsassa_sha256.bin --ak $A/akpub.pem --nonce 6368616c6c656e6766
expect 1 tpm-wrong-pcrs tpm-quote --attest $A/tpm_quote_attest.bin --sig $A/tpm_quote_sig_rsassa_sha256.bin --ak $A/akpub.pem --pcrs $T/trustee/az-snp-vtpm/tpm-pcrs-sha256.bin
expect 1 tpm-wrong-ak tpm-quote --attest $T/trustee/az-snp-vtpm/tpm-quote-attest.bin --sig $T/trustee/az-snp-vtpm/tpm-quote-sig.bin --ak $A/akpub.pem
for off in 0 7 30 60 90 121; do
	flip $A/tpm_quote_attest.bin $off "$tmp/a.bin"
	"$MV" tpm-quote --attest "$tmp/a.bin" --sig $A/tpm_quote_sig_rsassa_sha256.bin --ak $A/akpub.pem >/dev/null 2>&1
	rc=$?
	n=$((n + 1))
	if [ $rc -eq 0 ]; then echo "FAIL tpm-tamper-$off verified"; fails=$((fails + 1)); else echo "ok   tpm-tamper-$off (exit $rc)"; fi
done
expect 2 tpm-ak-not-key tpm-quote --attest $A/tpm_quote_attest.bin --sig $A/tpm_quote_sig_rsassa_sha256.bin --ak $A/tpm_quote_attest.bin
expect 2 tpm-bad-nonce tpm-quote --attest $A/tpm_quote_attest.bin --sig $A/tpm_quote_sig_rsassa_sha256.bin --ak $A/akpub.pem --nonce xyz

echo "== event logs"
E=$T/go-tpm-tools
for l in ubuntu-2404-amd-sevsnp arch-linux-workstation glinux-alex; do
	expect 0 "eventlog-$l" eventlog --log $E/$l.bin
	field "eventlog-$l-replay" "d['log']['pcrs']['sha256'] == {k: v for k, v in json.load(open('$E/expected_pcrs_from_replay.json'))['$l.bin']['sha256'].items()}" True
	python3 -c 'import json,sys; e=json.load(open(sys.argv[1]))[sys.argv[2]]["sha256"]; b=bytearray(24*32)
for k,v in e.items(): b[int(k)*32:int(k)*32+32]=bytes.fromhex(v)
open(sys.argv[3],"wb").write(b)' $E/expected_pcrs_from_replay.json $l.bin "$tmp/pcrs.bin"
	expect 0 "eventlog-$l-pcrs" eventlog --log $E/$l.bin --pcrs "$tmp/pcrs.bin"
done
field eventlog-startup-locality 'd["log"]["startup_locality"]' 3
flip "$tmp/pcrs.bin" 0 "$tmp/pcrs2.bin"
expect 1 eventlog-pcr-mismatch eventlog --log $E/glinux-alex.bin --pcrs "$tmp/pcrs2.bin"
expect 2 eventlog-not-a-log eventlog --log $A/tpm_quote_attest.bin

# TDX CCEL log (SHA-384): MR index 1..3 replays to RTMR0..2 of its quote.
"$MV" tdx-quote --quote $T/go-tdx-guest/ccel/cos-113-tdx-quote.dat --root $ROOT >"$tmp/q.json"
expect 0 eventlog-ccel eventlog --log $T/go-tdx-guest/ccel/ccel_data.dat
field eventlog-ccel-rtmrs "[d['log']['pcrs']['sha384'][str(i + 1)] for i in range(3)] == [json.load(open('$tmp/q.json'))['quote']['body']['rtmr%d' % i] for i in range(3)]" True

echo "== HCL reports"
S=$T/trustee/az-snp-vtpm
expect 0 hcl-snp-milan hcl-report --report $S/hcl-report.bin --vcek $S/vcek.pem --ca $G/ask_ark_milan.pem
field hcl-snp-claims 'd["key_ids"], d["claims"]["vm-configuration"]["secure-boot"]' "(['HCLAkPub', 'HCLEkPub'], True)"
expect 0 hcl-snp-genoa hcl-report --report $S/genoa-hcl-report.bin --vcek $S/vcek-genoa.pem --ca $G/ask_ark_genoa.pem
expect 1 hcl-snp-other-chip hcl-report --report $A/hcl-report-snp.bin --vcek $A/certs.pem --ca $G/ask_ark_milan.pem
expect 1 hcl-tdx-no-quote hcl-report --report $A/hcl-report-tdx.bin
field hcl-tdx-binding-ok '"REPORT_DATA = SHA256(runtime claims)" in d["checks"]' True
expect 1 hcl-snp-other-chip-binding hcl-report --report $A/hcl-report-snp.bin --vcek $A/certs.pem --ca $G/ask_ark_milan.pem
field hcl-snp-other-chip-binding-ok '"REPORT_DATA = SHA256(runtime claims)" in d["checks"], d["key_ids"]' "(True, ['HCLAkPub'])"
expect 1 hcl-azure-tools-tdx hcl-report --report $T/azure-cvm-attestation-tools/snp_hcl_report.bin
field hcl-azure-tools-tdx-claims 'd["hcl"]["report_type"], "user-data" in d["claims"], sorted(k for k in d["claims"]["vm-configuration"] if k in ("secure-boot", "tpm-enabled"))' "('tdx', True, ['secure-boot', 'tpm-enabled'])"
expect 0 hcl-tdx-with-quote hcl-report --report $T/trustee/az-tdx-vtpm/hcl-report.bin --quote $T/trustee/az-tdx-vtpm/td-quote.bin --root $ROOT
expect 1 hcl-tdx-wrong-quote hcl-report --report $T/trustee/az-tdx-vtpm/hcl-report.bin --quote $T/go-tdx-guest/tdx_prod_quote_SPR_E4.dat --root $ROOT
flip $S/hcl-report.bin 1300 "$tmp/h.bin"
expect 1 hcl-claims-tamper hcl-report --report "$tmp/h.bin" --vcek $S/vcek.pem --ca $G/ask_ark_milan.pem
expect 2 hcl-not-hcla hcl-report --report $G/attestation.bin --vcek $S/vcek.pem --ca $G/ask_ark_milan.pem

echo "$n checks, $fails failed"
[ "$fails" -eq 0 ]
