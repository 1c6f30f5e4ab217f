#!/bin/sh
# mantle-verify evidence/pubkey: Mantle evidence bundles built from the real
# samples are appraised against policies; the EAR JWT is checked with the
# openssl CLI (independent of the verifier's code) against `pubkey`.
. "$(dirname "$0")/mv_common.sh"
mv_setup python3 openssl
openssl ecparam -name secp384r1 -genkey -noout 2>/dev/null |
	openssl pkcs8 -topk8 -nocrypt -out "$tmp/key.pem"
openssl ec -in "$tmp/key.pem" -pubout -out "$tmp/pub.pem" 2>/dev/null

# bundle NAME: writes $tmp/NAME.json from a python dict literal on stdin.
bundle() {
	T=$T python3 -c '
import json, os, sys
T = os.environ["T"]
h = lambda p: open(T + "/" + p, "rb").read().hex()
r = lambda p: open(T + "/" + p).read()
import subprocess
der2pem = lambda p: subprocess.run(["openssl", "x509", "-inform", "DER", "-in", T + "/" + p],
                                   capture_output=True, text=True, check=True).stdout
json.dump(eval(sys.stdin.read()), open(sys.argv[1], "w"))' "$tmp/$1.json"
}

# appraise NAME POLICY RC STATUS: run, check exit code, EAR status and the
# JWT signature (openssl, from the raw R||S converted to DER).
appraise() {
	n=$((n + 1))
	"$MV" evidence --evidence "$tmp/$1.json" --policy "$tmp/$2.json" \
		--key "$tmp/key.pem" --details "$tmp/d.json" >"$tmp/jwt" 2>"$tmp/err"
	rc=$?
	if [ $rc -ne "$3" ]; then
		echo "FAIL $1/$2: exit $rc, want $3"; cat "$tmp/err"
		python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["reasons"])' "$tmp/d.json" 2>/dev/null
		fails=$((fails + 1)); return
	fi
	[ "$3" -eq 2 ] && { echo "ok   $1/$2 (exit 2)"; return; }
	python3 - "$tmp" "$4" <<'PY' || { fails=$((fails + 1)); return; }
import base64, json, sys
tmp, want = sys.argv[1], sys.argv[2]
def ub(s): return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
h, p, s = open(tmp + "/jwt").read().strip().split(".")
hdr, claims, sig = json.loads(ub(h)), json.loads(ub(p)), ub(s)
assert hdr["alg"] == "ES384" and len(sig) == 96, hdr
def der_int(b):
    b = b.lstrip(b"\0")
    if not b or b[0] & 0x80: b = b"\0" + b
    return b"\x02" + bytes([len(b)]) + b
body = der_int(sig[:48]) + der_int(sig[48:])
open(tmp + "/sig.der", "wb").write(b"\x30" + bytes([len(body)]) + body)
open(tmp + "/input", "w").write(h + "." + p)
for k in ("eat_profile", "iat", "ear.verifier-id", "submods"):
    assert k in claims, k
(sub,) = claims["submods"].values()
for k in ("ear.status", "ear.trustworthiness-vector", "mantle.appraisal"):
    assert k in sub, k
if sub["ear.status"] != want:
    print("FAIL status", sub["ear.status"], "want", want, json.dumps(sub["mantle.appraisal"]))
    sys.exit(1)
PY
	if ! openssl dgst -sha384 -verify "$tmp/pub.pem" -signature "$tmp/sig.der" \
		"$tmp/input" >/dev/null; then
		echo "FAIL $1/$2: JWT signature does not verify with openssl"
		fails=$((fails + 1)); return
	fi
	echo "ok   $1/$2 (exit $rc, $4, JWT signature verified by openssl)"
}

policy() {
	echo "$2" >"$tmp/$1.json"
}

"$MV" pubkey --key "$tmp/key.pem" >"$tmp/jwk.json" || fails=$((fails + 1))
n=$((n + 1))
python3 -c 'import json,sys; k=json.load(open(sys.argv[1])); assert k["kty"]=="EC" and k["crv"]=="P-384" and k["alg"]=="ES384" and len(k["x"])==64' "$tmp/jwk.json" &&
	echo "ok   pubkey JWK" || { echo "FAIL pubkey"; fails=$((fails + 1)); }

bundle azsnp <<'EOF2'
{"mantle_evidence_version": 1, "nonce": b"challenge".hex(),
 "hcl": {"report": h("trustee/az-snp-vtpm/hcl-report.bin")},
 "snp": {"vcek": r("trustee/az-snp-vtpm/vcek.pem"), "ca": r("go-sev-guest/ask_ark_milan.pem")},
 "tpm": {"attest": h("trustee/az-snp-vtpm/tpm-quote-attest.bin"), "signature": h("trustee/az-snp-vtpm/tpm-quote-sig.bin"),
         "pcrs": h("trustee/az-snp-vtpm/tpm-pcrs-sha256.bin"), "ak": "HCLAkPub"}}
EOF2
sed 's/6368616c6c656e6765/6368616c6c656e6766/' "$tmp/azsnp.json" >"$tmp/azsnp-badnonce.json"
bundle aztdx <<'EOF2'
{"mantle_evidence_version": 1, "nonce": b"challenge".hex(),
 "hcl": {"report": h("trustee/az-tdx-vtpm/hcl-report.bin")},
 "tdx": {"quote": h("trustee/az-tdx-vtpm/td-quote.bin")},
 "tpm": {"attest": h("trustee/az-tdx-vtpm/tpm-quote-attest.bin"), "signature": h("trustee/az-tdx-vtpm/tpm-quote-sig.bin"),
         "pcrs": h("trustee/az-tdx-vtpm/tpm-pcrs-sha256.bin")}}
EOF2
bundle azgenoa <<'EOF2'
{"mantle_evidence_version": 1,
 # the relying party's 48-byte challenge, as carried in extraData
 "nonce": open(T + "/trustee/az-snp-vtpm/genoa-tpm-quote-attest.bin", "rb").read()[44:92].hex(),
 "hcl": {"report": h("trustee/az-snp-vtpm/genoa-hcl-report.bin")},
 "snp": {"vcek": r("trustee/az-snp-vtpm/vcek-genoa.pem"), "ca": r("go-sev-guest/ask_ark_genoa.pem")},
 "tpm": {"attest": h("trustee/az-snp-vtpm/genoa-tpm-quote-attest.bin"), "signature": h("trustee/az-snp-vtpm/genoa-tpm-quote-sig.bin"),
         "pcrs": h("trustee/az-snp-vtpm/genoa-tpm-pcrs-sha256.bin")}}
EOF2
bundle milan <<'EOF2'
{"mantle_evidence_version": 1, "nonce": "0102030405",
 "snp": {"report": h("go-sev-guest/attestation.bin"), "vcek": der2pem("go-sev-guest/vcek_milan.der"),
         "ca": r("go-sev-guest/ask_ark_milan.pem")}}
EOF2
bundle genoa <<'EOF2'
{"mantle_evidence_version": 1, "nonce": "7e7320889600c7ac",
 "snp": {"report": h("trustee/snp/e2e-genoa-report-v3.bin"),
         "vcek": der2pem("trustee/snp/e2e-genoa-vcek.der"),
         "ca": r("go-sev-guest/ask_ark_genoa.pem")}}
EOF2
policy milan-roots '{"mantle_policy_version": 1, "trusted_roots": ["AMD ARK-Milan"], "allowed_vmpls": [0], "min_tcb": {"bootloader": 2, "snp": 5, "microcode": 68}}'
policy genoa-only '{"mantle_policy_version": 1, "trusted_roots": ["AMD ARK-Genoa"]}'
policy debug-ok '{"mantle_policy_version": 1, "trusted_roots": ["69d063b45344d26a2e94e1f4210de49ef555308287d4c174445c95639a540bcd"], "allow_debug": true, "reference_measurements": ["b07af9620f3b839b47996422ddec6058338951d984e312115131ea82705eaf5b6bdf8a9ece31a5a608eb0cf2e4872b01"]}'
policy wrong-meas '{"mantle_policy_version": 1, "trusted_roots": ["AMD ARK-Milan"], "allow_debug": true, "reference_measurements": ["000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000"]}'
policy high-tcb '{"mantle_policy_version": 1, "trusted_roots": ["AMD ARK-Milan"], "min_tcb": {"microcode": 200}}'
policy intel '{"mantle_policy_version": 1, "trusted_roots": ["Intel SGX Root CA"], "require_nonce": true}'
policy genoa-ok '{"mantle_policy_version": 1, "trusted_roots": ["AMD ARK-Genoa"], "allowed_vmpls": [0], "reference_measurements": ["6a6519d757e68c2e939c9dbbbc1828498e8de35d2766dd05f1a2cca5059d0cf4ae62a36d75c837974dd50b315506e73e"], "min_tcb": {"bootloader": 10, "tee": 0, "snp": 23, "microcode": 25}}'
policy bad '{"mantle_policy_version": 1, "trusted_roots": [], "typo": 1}'

appraise azsnp milan-roots 0 warning          # provisional firmware
appraise azsnp genoa-only 1 contraindicated   # root not trusted
appraise azsnp-badnonce milan-roots 1 contraindicated
appraise aztdx intel 0 affirming
appraise azgenoa genoa-only 0 affirming
appraise aztdx milan-roots 1 contraindicated
appraise milan milan-roots 1 contraindicated  # debug allowed, policy forbids
appraise milan debug-ok 0 warning             # debug allowed by policy
appraise milan wrong-meas 1 contraindicated
appraise azsnp high-tcb 1 contraindicated
appraise genoa genoa-ok 1 contraindicated     # nonce != REPORT_DATA
sed 's/"nonce": "7e7320889600c7ac"/"nonce": "'"$(python3 -c "print(open('$T/trustee/snp/e2e-genoa-report-v3.bin','rb').read()[0x50:0x90].hex())")"'"/' "$tmp/genoa.json" >"$tmp/genoa-n.json"
appraise genoa-n genoa-ok 0 affirming
appraise azsnp bad 2 -
echo '{"mantle_evidence_version": 1}' >"$tmp/empty.json"
appraise empty milan-roots 2 -
echo 'not json' >"$tmp/junk.json"
appraise junk milan-roots 2 -

echo "$n checks, $fails failed"
[ "$fails" -eq 0 ]
