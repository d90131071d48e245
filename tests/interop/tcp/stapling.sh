#!/usr/bin/env bash
# OCSP stapling (RFC 6066 §8, RFC 8446 §4.4.2.1) and certificate_authorities
# (RFC 8446 §4.2.4) against real peers:
#   qtls server --ocsp-response  -> openssl s_client -status, gnutls-cli --save-ocsp (same bytes)
#   openssl s_server -status_file -> qtls client --status-request (same size, checked good)
#   a revoked response            -> qtls client fails with certificate_revoked
#   a response signed by another CA -> qtls client fails with bad_certificate_status_response
#   qtls server --ca-names        -> openssl s_client lists "Acceptable client certificate CA names"
# The OCSP responses are made here with `openssl ocsp` from an index of the test CA.
#   stapling.sh --qtls PATH [--keep]
# Fails (never skips) when a peer program is missing; every process runs under a timeout.
set -u
QTLS='' KEEP=''
while [ $# -gt 0 ]; do
  case $1 in --qtls) QTLS=$2; shift 2;; --keep) KEEP=1; shift;; *) echo "usage: $0 --qtls PATH [--keep]" >&2; exit 2;; esac
done
[ -x "$QTLS" ] && QTLS=$(realpath "$QTLS") || { echo "stapling: --qtls PATH to the qtls program is required" >&2; exit 2; }
HERE=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
need_bin openssl openssl || exit 1
need_bin gnutls-cli gnutls-bin || exit 1

W=$(mktemp -d /tmp/qtls-stapling.XXXXXX)
PIDS=()
cleanup() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; [ -n "$KEEP" ] || rm -rf "$W"; }
trap cleanup EXIT
cd "$W" || exit 1
FAILS=0
ok()  { echo "PASS: $*"; }
bad() { echo "FAIL: $*"; FAILS=$((FAILS + 1)); }

make_pki pki || exit 1
PKI=$W/pki

# ---- OCSP responses for ec256.pem, signed by the CA itself (RFC 6960 §4.2.2.2) ----
ocsp_response() {  # STATUS(V|R) OUT [SIGNER]: SIGNER.{pem,key} signs (default: the CA)
  local signer=${3:-ca}
  local serial subject
  serial=$(openssl x509 -in "$PKI/ec256.pem" -noout -serial | sed 's/^serial=//')
  subject=$(openssl x509 -in "$PKI/ec256.pem" -noout -subject -nameopt compat | sed 's/^subject=//')
  if [ "$1" = V ]; then
    printf 'V\t301231235959Z\t\t%s\tunknown\t%s\n' "$serial" "$subject" > index-$1.txt
  else
    printf 'R\t301231235959Z\t240101000000Z\t%s\tunknown\t%s\n' "$serial" "$subject" > index-$1.txt
  fi
  timeout 30 openssl ocsp -issuer "$PKI/ca.pem" -cert "$PKI/ec256.pem" -no_nonce -reqout req-$1.der > ocsp-$1.log 2>&1 &&
  timeout 30 openssl ocsp -index index-$1.txt -rsigner "$PKI/$signer.pem" -rkey "$PKI/$signer.key" -CA "$PKI/ca.pem" \
    -reqin req-$1.der -respout "$2" -ndays 2 >> ocsp-$1.log 2>&1
}
ocsp_response V good.der || { echo "stapling: openssl ocsp failed: $(tail -3 ocsp-V.log)" >&2; exit 1; }
ocsp_response R revoked.der || { echo "stapling: openssl ocsp failed: $(tail -3 ocsp-R.log)" >&2; exit 1; }
# Signed by the second CA, which neither issued ec256 nor is trusted.
ocsp_response V forged.der ca2 || { echo "stapling: openssl ocsp failed: $(tail -3 ocsp-V.log)" >&2; exit 1; }
openssl ocsp -respin good.der -resp_text -noverify 2>/dev/null | grep -q 'Cert Status: good' ||
  { echo "stapling: good.der does not say good" >&2; exit 1; }

# qtls server in the background: ARGS...; sets SPID and PORT.
qserver() {
  timeout 60 "$QTLS" server --naccept 1 --rev --cert "$PKI/ec256.pem" --key "$PKI/ec256.key" "$@" > qs.out 2> qs.err &
  SPID=$!; PIDS+=("$SPID")
  wait_for qs.out '^ACCEPT' "$SPID" || { bad "qtls server did not start: $(head -2 qs.err)"; return 1; }
  PORT=$(port_of qs.out)
}

# 1. qtls server staples -> openssl s_client -status.
if qserver --ocsp-response good.der; then
  printf 'hello\nCLOSE\n' | timeout 20 openssl s_client -connect "127.0.0.1:$PORT" -servername localhost -tls1_3 \
    -CAfile "$PKI/ca.pem" -verify_return_error -status -ign_eof > sc.log 2>&1
  wait_exit "$SPID" 20
  if grep -q 'OCSP Response Status: successful' sc.log && grep -q 'Cert Status: good' sc.log && grep -q '^olleh' sc.log; then
    ok "qtls server -> openssl s_client -status: OCSP Response Status: successful, Cert Status: good"
  else
    bad "openssl s_client -status: $(grep -m2 -E 'OCSP|error' sc.log)"
  fi
fi

# 2. qtls server staples -> gnutls-cli --save-ocsp receives the same bytes.
if qserver --ocsp-response good.der; then
  printf 'hello\n' | timeout 20 gnutls-cli -p "$PORT" 127.0.0.1 --sni-hostname localhost --x509cafile "$PKI/ca.pem" \
    --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3' --save-ocsp=gnutls.der > gc.log 2>&1
  wait_exit "$SPID" 20
  if [ -s gnutls.der ] && cmp -s gnutls.der good.der; then
    ok "qtls server -> gnutls-cli --save-ocsp: the stapled bytes equal good.der ($(stat -c %s good.der) bytes)"
  else
    bad "gnutls-cli --save-ocsp: $(grep -m2 -E '^\*\*\*|Status|OCSP' gc.log)"
  fi
fi

# 3. / 4. openssl s_server -status_file -> qtls client --status-request.
ossl_server() {  # STATUS_FILE; sets SPID and PORT
  timeout 60 openssl s_server -accept 127.0.0.1:0 -naccept 1 -tls1_3 -rev -cert "$PKI/ec256.pem" -key "$PKI/ec256.key" \
    -status_file "$1" > ss.log 2>&1 &
  SPID=$!; PIDS+=("$SPID")
  wait_for ss.log '^ACCEPT' "$SPID" || { bad "s_server did not start: $(tail -2 ss.log)"; return 1; }
  PORT=$(port_of ss.log)
}
if ossl_server good.der; then
  printf 'hello\nCLOSE\n' | timeout 20 "$QTLS" client "127.0.0.1:$PORT" --servername localhost --CAfile "$PKI/ca.pem" \
    --status-request > qc.out 2> qc.err; rc=$?
  wait_exit "$SPID" 20
  want="qtls: OCSP response: successful, cert status good ($(stat -c %s good.der) bytes, verified)"
  if [ "$rc" = 0 ] && grep -qxF "$want" qc.err && grep -q '^olleh' qc.out; then
    ok "openssl s_server -status_file -> qtls client --status-request: $want"
  else
    bad "qtls client --status-request (exit $rc): $(grep -m2 '^qtls' qc.err)"
  fi
fi
if ossl_server revoked.der; then
  printf 'hello\nCLOSE\n' | timeout 20 "$QTLS" client "127.0.0.1:$PORT" --servername localhost --CAfile "$PKI/ca.pem" \
    --status-request > qr.out 2> qr.err; rc=$?
  wait_exit "$SPID" 20
  if [ "$rc" != 0 ] && grep -q 'certificate_revoked' qr.err; then
    ok "revoked staple from openssl s_server -> qtls client fails: $(grep -m1 '^qtls client' qr.err)"
  else
    bad "revoked staple accepted (exit $rc): $(grep -m2 '^qtls' qr.err)"
  fi
fi

if ossl_server forged.der; then
  printf 'hello\nCLOSE\n' | timeout 20 "$QTLS" client "127.0.0.1:$PORT" --servername localhost --CAfile "$PKI/ca.pem" \
    --status-request > qf.out 2> qf.err; rc=$?
  wait_exit "$SPID" 20
  if [ "$rc" != 0 ] && grep -q 'bad_certificate_status_response' qf.err; then
    ok "staple signed by an untrusted CA -> qtls client fails: $(grep -m1 '^qtls client' qf.err)"
  else
    bad "forged staple accepted (exit $rc): $(grep -m2 '^qtls' qf.err)"
  fi
fi

# 5. certificate_authorities in our CertificateRequest -> openssl s_client.
if qserver --verify-client --CAfile "$PKI/ca.pem" --ca-names "$PKI/ca.pem"; then
  printf 'hello\nCLOSE\n' | timeout 20 openssl s_client -connect "127.0.0.1:$PORT" -servername localhost -tls1_3 \
    -CAfile "$PKI/ca.pem" -verify_return_error -cert "$PKI/client.pem" -key "$PKI/client.key" -ign_eof > ca.log 2>&1
  wait_exit "$SPID" 20
  if grep -A1 '^Acceptable client certificate CA names' ca.log | grep -q 'CN *= *Test CA' && grep -q '^olleh' ca.log; then
    ok "qtls server --ca-names -> openssl s_client: Acceptable client certificate CA names: $(grep -A1 '^Acceptable client' ca.log | tail -1)"
  else
    bad "s_client did not list our CA: $(grep -A1 -m1 -E 'Acceptable|error' ca.log | tr '\n' ' ')"
  fi
fi

echo "stapling: $FAILS failure(s)"
[ "$FAILS" = 0 ]
