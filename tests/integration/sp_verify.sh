#!/bin/sh
# mantle-sp without a boot (issue 13): a report made through the real
# simulator process (sp-client plays mantle and the paravisor) verifies with
# mantle-verify under the chip's own exported CA, marked simulated, and only
# there: not without --ca, not under AMD's real Milan roots, not under
# another chip's CA. Also: the launch measurement is MEASUREMENT.md's
# whole-image vector; the derived key is the same on the same chip and
# differs on another; a state directory open to others is refused.
. "$(dirname "$0")/lib.sh"
SP=$BUILD/bin/mantle-sp
CLIENT=$BUILD/test-tools/sp-client
MV=$BUILD/bin/mantle-verify
for b in "$SP" "$CLIENT" "$MV"; do
	[ -x "$b" ] || fail "$b not built"
done
command -v python3 >/dev/null || skip "python3 missing"
T=$TESTTMP
printf KERNEL >"$T/k"
printf INITRAMFS >"$T/i"
mkdir -p "$T/a" "$T/b"
nonce=00112233445566778899aabbccddeeff

# One chip (state dir A), twice; another chip (B) once.
"$CLIENT" "$SP" "$T/state-a" "$T/k" "$T/i" "$T/a" $nonce >"$T/a.out" \
	2>"$T/a.err" || { cat "$T/a.err"; fail "sp-client on chip A"; }
"$CLIENT" "$SP" "$T/state-a" "$T/k" "$T/i" "$T/a" $nonce >"$T/a2.out" \
	2>>"$T/a.err" || fail "sp-client on chip A, again"
"$CLIENT" "$SP" "$T/state-b" "$T/k" "$T/i" "$T/b" $nonce >"$T/b.out" \
	2>"$T/b.err" || fail "sp-client on chip B"
echo "ok   reports and keys from two chips"

want=5e507466f1e968ce29bbbcc01178b9599d03256c0cab9d150906253224550e770345248f97bc18dc04ebbc27888a0cbb
grep -qx "MEASURE launch=$want" "$T/a.out" ||
	fail "launch measurement is not MEASUREMENT.md's vector: $(head -1 "$T/a.out")"
echo "ok   launch measurement = MEASUREMENT.md whole-image vector"

ka=$(sed -n 's/^KEY //p' "$T/a.out")
[ -n "$ka" ] && [ "$ka" = "$(sed -n 's/^KEY //p' "$T/a2.out")" ] ||
	fail "derived key differs between two launches on one chip"
[ "$ka" != "$(sed -n 's/^KEY //p' "$T/b.out")" ] ||
	fail "two chips derive the same key"
echo "ok   derived key: same chip same key, other chip other key"

[ "$(stat -c %a "$T/state-a")" = 700 ] || fail "state dir is not 0700"
[ "$(stat -c %a "$T/state-a/root-secret")" = 600 ] || fail "root-secret not 0600"
"$SP" --state "$T/state-a" --export-ca "$T/ca-a.pem" 2>>"$T/a.err" ||
	fail "--export-ca"
"$SP" --state "$T/state-b" --export-ca "$T/ca-b.pem" 2>>"$T/b.err" ||
	fail "--export-ca B"
[ "$(grep -c 'BEGIN CERTIFICATE' "$T/ca-a.pem")" = 2 ] ||
	fail "the exported CA is not two certificates"

# An independent check of the chain: openssl's own verifier (RSA-PSS,
# the ASK's pathlen 0, the VCEK under it).
if command -v openssl >/dev/null; then
	openssl x509 -inform DER -in "$T/a/vcek.der" -out "$T/vcek.pem"
	openssl x509 -in "$T/state-a/ark.pem" -out "$T/ark.pem"
	openssl x509 -in "$T/state-a/ask.pem" -out "$T/ask.pem"
	openssl verify -x509_strict -CAfile "$T/ark.pem" -untrusted "$T/ask.pem" \
		"$T/vcek.pem" >/dev/null 2>"$T/ossl.err" ||
		{ cat "$T/ossl.err"; fail "openssl verify refused the chain"; }
	echo "ok   openssl verify: ARK -> ASK -> VCEK"
fi

"$MV" snp-report --report "$T/a/report.bin" --vcek "$T/a/vcek.der" \
	--ca "$T/ca-a.pem" >"$T/v.json" 2>"$T/v.err" ||
	{ cat "$T/v.json" "$T/v.err"; fail "mantle-verify refused the simulator's report"; }
python3 - "$T/v.json" $nonce <<'PY' || fail "verifier output"
import json, sys
v = json.load(open(sys.argv[1]))
assert v["status"] == "verified" and v["simulated"] is True, v
assert v["report"]["report_data"].startswith(sys.argv[2]), v["report"]
assert bytes.fromhex(v["report"]["chip_id"]).startswith(b"MANTLE-SIMULATED")
assert v["endorsement_key"]["product_name"] == "Milan"
PY
echo "ok   mantle-verify --ca <exported CA>: verified, simulated"

if "$MV" snp-report --report "$T/a/report.bin" --vcek "$T/a/vcek.der" \
	>/dev/null 2>&1; then
	fail "verified without --ca"
fi
if "$MV" snp-report --report "$T/a/report.bin" --vcek "$T/a/vcek.der" \
	--ca "$T/ca-b.pem" >/dev/null 2>&1; then
	fail "verified under another chip's CA"
fi
amd=${MANTLE_TESTDATA:-../shared/testdata}/attestation/go-sev-guest/ask_ark_milan.pem
if [ -f "$amd" ]; then
	if "$MV" snp-report --report "$T/a/report.bin" --vcek "$T/a/vcek.der" \
		--ca "$amd" >/dev/null 2>&1; then
		fail "verified under AMD's real Milan roots"
	fi
	echo "ok   refused without --ca, under chip B's CA, under AMD's Milan roots"
else
	echo "ok   refused without --ca and under chip B's CA (AMD roots not found: $amd)"
fi

# A state directory open to others is refused loudly.
chmod 755 "$T/state-a"
if "$SP" --state "$T/state-a" --export-ca "$T/x.pem" 2>"$T/perm.err"; then
	fail "a 0755 state directory was used"
fi
grep -q "must be 0700" "$T/perm.err" || fail "no clear message: $(cat "$T/perm.err")"
echo "ok   a 0755 state directory is refused"
