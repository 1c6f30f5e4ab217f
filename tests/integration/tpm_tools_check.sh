# shellcheck shell=sh
# Sourced by tpm_crb.sh, whose CRB boot runs the guest script too (one
# boot for both): issue 14 item 2 and the guest's side of item 6:
# unmodified tpm2-tools in the guest through /dev/tpmrm0
# (guest-tools/tpm-tools-rcd, one "tpm-tools: NAME ok" line per step):
# getrandom, pcrread, createprimary, create + load, sign +
# verifysignature (a changed message refused), quote + checkquote with an
# AK of the guest's own over a fresh nonce (another nonce refused),
# nvdefine/nvwrite/nvread of an owner index, evictcontrol (persisted, read
# back by its handle, evicted), eventlog (tpm2_eventlog's replay of every
# SHA-256 PCR in the published log equals the TPM's value; a guest
# without the log fails),
# startauthsession with PolicyPCR (a trial session for the digest; a key
# that signs only through the policy session and no longer after the PCR
# moves) and PolicyPassword (an NV index read through it; a wrong password
# refused). Robustness: three processes at once on /dev/tpmrm0 (GetRandom
# loops and a PCR_Extend loop) and a fourth with raw GetRandom on
# /dev/tpm0 all succeed, and PCR 23 ends where N extends put it; a client
# killed while its RSA-2048 CreatePrimary runs, and the TPM serves the
# next; malformed raw commands on /dev/tpm0 (bad tag, header sizes that
# disagree with the bytes, truncated, a runt, an unknown command code) get
# a TPM error response or a clean write error, never a hang, and the TPM
# answers afterwards.
#
# tpm_tools_rcd FILE: the guest script, as an rc.d file.
tpm_tools_rcd() {
	cp tests/integration/guest-tools/tpm-tools-rcd "$1"
}

# tpm_tools_check OUT: the checks of a boot that ran it (console OUT).
tpm_tools_check() {
	out=$1
	N=25
	bad=0
	for s in getrandom pcrread createprimary create-load sign-verify \
		quote-checkquote nv evictcontrol policy-pcr policy-password concurrent \
		killed-midway getrandom-after; do
		grep -qx "tpm-tools: $s ok" "$out" || {
			echo "FAILED step $s: $(grep "^tpm-tools: $s " "$out")"
			bad=1
		}
	done

	# The paravisor publishes the event log (issue 14 item 3): a guest
	# that finds none fails.
	evlog=checked
	if grep -qx "tpm-tools: eventlog ok" "$out"; then
		grep "^tpm-tools: eventlog-value" "$out"
	else
		echo "FAILED step eventlog: $(grep "^tpm-tools: eventlog" "$out")"
		bad=1
	fi

	# PCR 23 after N extends of D from zero (reset first), however the three
	# processes interleaved.
	want=$(python3 -c '
import hashlib, sys
p = bytes(32)
for _ in range(int(sys.argv[1])):
    p = hashlib.sha256(p + bytes.fromhex("aa55" * 16)).digest()
print(p.hex())' "$N")
	grep -qx "tpm-tools: concurrent-value n=$N pcr23=$want" "$out" || {
		echo "FAILED concurrent: PCR 23 is not $N extends: $(grep concurrent-value "$out")"
		bad=1
	}

	# Raw commands on /dev/tpm0: "write=OK rsp=TAG SIZE RC" (10 bytes in hex)
	# or a write error; never a hang. Seen here: bad tag -> 0x084, a header
	# size below the bytes or a missing parameter -> 0x1da (TPM_RC_INSUFFICIENT,
	# parameter 1), unknown code -> 0x143 (TPM_RC_COMMAND_CODE); a header size
	# above the bytes written and a runt are refused by the kernel's write.
	raw() { sed -n "s/^tpm-tools: raw-$1 //p" "$out"; }
	ok_rsp='write=OK rsp=80010000001c00000000'
	for r in good after; do
		[ "$(raw $r)" = "$ok_rsp" ] || {
			echo "FAILED raw-$r: '$(raw $r)', expected '$ok_rsp'"
			bad=1
		}
	done
	for r in badtag longsize shortsize hugesize truncated runt badcode; do
		v=$(raw $r)
		case "$v" in
		"write=ERR rsp=none") ;;
		"write=OK rsp=8001"????????00000000 | "write=OK rsp=none" | hang | "")
			echo "FAILED raw-$r: '$v' (no TPM error code, no write error)"
			bad=1
			;;
		"write=OK rsp=8001"*) ;;
		*)
			echo "FAILED raw-$r: '$v'"
			bad=1
			;;
		esac
		echo "raw-$r: $v"
	done
	if grep -i "tpm" "$out" | grep -Ei "\b(bug|oops|timeout|timed out)\b"; then
		echo "FAILED: the guest kernel logged a TPM problem (above)"
		bad=1
	fi
	guest_console_clean "$out"
	# The paravisor's vTPM counter line of this boot is tpm_crb.sh's to
	# check (with 0 refused accesses).
	[ $bad -eq 0 ] || fail "tpm2-tools steps failed (above)"
	echo "tpm2-tools: $(grep -c '^tpm-tools: .* ok$' "$out") steps ok; eventlog $evlog"
}
