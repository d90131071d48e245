#!/usr/bin/env bash
# Certificate compression (RFC 8879) against GnuTLS, each algorithm, both directions:
#   client: qtls client --cert-compression ALG -> gnutls-serv --compress-cert=ALG (also with a
#           client certificate, which qtls compresses when the CertificateRequest offers ALG)
#   server: gnutls-cli --compress-cert=ALG (also with a client certificate) -> qtls server
#
#   cert_compression_gnutls.sh --qtls PATH
#
# qtls's summary lines say whether a Certificate travelled compressed (peer-cert-compression=ALG /
# own-cert-compression=ALG), so the check is on what actually crossed the wire. A GnuTLS built
# without an algorithm (Debian's 3.7.9 has no zlib/brotli/zstd backends: it prints "Unknown
# compression method" and offers nothing) must still interoperate: the cell then checks that both
# sides fall back to a plain Certificate and says so in its result ("fallback"), it is never
# skipped. Exit 1 when a cell fails or a peer program is missing. 127.0.0.1, ephemeral ports,
# every process under timeout; logs are kept in a temp dir printed on failure.
set -uo pipefail
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

QTLS=''
while [ $# -gt 0 ]; do
  case $1 in --qtls) QTLS=$2; shift 2;; *) echo "usage: $0 --qtls PATH" >&2; exit 2;; esac
done
[ -x "$QTLS" ] || { echo "cert_compression_gnutls: --qtls PATH to the qtls program is required" >&2; exit 2; }
need_bin gnutls-serv gnutls-bin && need_bin gnutls-cli gnutls-bin || exit 1

W=$(mktemp -d /tmp/qtls-cc-gnutls.XXXXXX)
PIDS=()
cleanup() { local p; for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done; return 0; }
trap cleanup EXIT
make_pki "$W/pki" || exit 1
PKI=$W/pki
FAILED=0

# result NAME ALG VERDICT DETAIL
result() { printf '%-8s %-7s %-22s %s\n' "$1" "$2" "$3" "$4"; [ "$3" = FAIL ] && FAILED=1; return 0; }
# gnutls_has ALG LOG: this GnuTLS build implements ALG (it names the ones it does not).
gnutls_has() { ! grep -q "Unknown compression method: $1" "$2"; }

# ---- qtls client -> gnutls-serv ----
client_cell() {  # ALG MODE (server-cert | client-cert)
  local alg=$1 mode=$2 d="$W/client-$1-$2" port spid try extra=() want
  mkdir -p "$d"
  for try in 1 2; do  # free_port may race with another process: retry once on a bind error
    port=$(free_port)
    local sargs=(--echo -p "$port" --x509certfile "$PKI/ec256.pem" --x509keyfile "$PKI/ec256.key"
      --compress-cert="$alg" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3')
    [ "$mode" = client-cert ] && sargs+=(--require-client-cert --verify-client-cert --x509cafile "$PKI/ca.pem")
    timeout 60 gnutls-serv "${sargs[@]}" > "$d/srv.log" 2>&1 &
    spid=$!; PIDS+=("$spid")
    wait_for "$d/srv.log" "IPv4 .* port $port" "$spid" && break
    grep -qi bind "$d/srv.log" && [ $try = 1 ] && continue
    result client "$alg" FAIL "$mode: gnutls-serv did not start: $(tail -1 "$d/srv.log")"; return
  done
  [ "$mode" = client-cert ] && extra=(--cert "$PKI/client.pem" --key "$PKI/client.key")
  printf 'hello\n' | timeout 30 "$QTLS" client "127.0.0.1:$port" --CAfile "$PKI/ca.pem" --servername localhost \
    --cert-compression "$alg" "${extra[@]}" > "$d/client.out" 2> "$d/client.err"
  local rc=$?
  kill "$spid" 2>/dev/null; wait "$spid" 2>/dev/null
  local line; line=$(grep -m1 '^qtls: connected:' "$d/client.err")
  if [ $rc != 0 ] || [ -z "$line" ] || ! grep -q '^hello$' "$d/client.out"; then
    result client "$alg" FAIL "$mode: qtls client exit $rc: $(grep -m1 '^qtls client' "$d/client.err") (logs $d)"; return
  fi
  # What qtls reports must match what GnuTLS can do.
  local token=peer-cert-compression; [ "$mode" = client-cert ] && token=own-cert-compression
  if gnutls_has "$alg" "$d/srv.log"; then
    want="$token=$alg"
    [[ " $line " == *" $want "* ]] || { result client "$alg" FAIL "$mode: expected $want in: $line"; return; }
    result client "$alg" PASS "$mode: $want"
  else
    [[ $line == *"-cert-compression="* ]] && { result client "$alg" FAIL "$mode: compressed without a peer offer: $line"; return; }
    result client "$alg" "PASS (fallback)" "$mode: GnuTLS lacks $alg, plain Certificate"
  fi
}

# ---- gnutls-cli -> qtls server ----
server_cell() {  # ALG MODE
  local alg=$1 mode=$2 d="$W/server-$1-$2" qpid port extra=() cargs=()
  mkdir -p "$d"
  [ "$mode" = client-cert ] && extra=(--verify-client --CAfile "$PKI/ca.pem")
  timeout 60 "$QTLS" server --cert "$PKI/ec256.pem" --key "$PKI/ec256.key" --naccept 1 --echo \
    --cert-compression "$alg" "${extra[@]}" > "$d/server.out" 2> "$d/server.err" &
  qpid=$!; PIDS+=("$qpid")
  wait_for "$d/server.out" '^ACCEPT ' "$qpid" || { result server "$alg" FAIL "$mode: qtls server did not start"; return; }
  port=$(port_of "$d/server.out")
  cargs=(-p "$port" 127.0.0.1 --x509cafile "$PKI/ca.pem" --verify-hostname localhost --sni-hostname localhost
    --compress-cert="$alg" --priority 'NORMAL:-VERS-ALL:+VERS-TLS1.3')
  [ "$mode" = client-cert ] && cargs+=(--x509certfile "$PKI/client.pem" --x509keyfile "$PKI/client.key")
  printf 'hello\n' | timeout 30 gnutls-cli "${cargs[@]}" > "$d/cli.log" 2>&1
  wait_for "$d/server.err" '^qtls: accepted:|^qtls server' "$qpid" 1 15
  wait_exit "$qpid" 15 > /dev/null
  local line; line=$(grep -m1 '^qtls: accepted:' "$d/server.err")
  if [ -z "$line" ] || ! grep -q 'Handshake was completed' "$d/cli.log"; then
    result server "$alg" FAIL "$mode: no handshake: $(grep -m1 '^qtls server' "$d/server.err") $(grep -m1 -i 'error' "$d/cli.log") (logs $d)"
    return
  fi
  [ "$mode" = client-cert ] && [[ $line != *client-auth=yes* ]] && { result server "$alg" FAIL "$mode: no client-auth: $line"; return; }
  local token=own-cert-compression; [ "$mode" = client-cert ] && token=peer-cert-compression
  if gnutls_has "$alg" "$d/cli.log"; then
    local want="$token=$alg"
    [[ " $line " == *" $want "* ]] || { result server "$alg" FAIL "$mode: expected $want in: $line"; return; }
    result server "$alg" PASS "$mode: $want"
  else
    [[ $line == *"-cert-compression="* ]] && { result server "$alg" FAIL "$mode: compressed without a peer offer: $line"; return; }
    result server "$alg" "PASS (fallback)" "$mode: GnuTLS lacks $alg, plain Certificate"
  fi
}

echo "$(gnutls-cli --version | head -1) vs $("$QTLS" version 2>/dev/null | head -1)"
printf '%-8s %-7s %-22s %s\n' side alg result detail
for alg in zlib brotli zstd; do
  for mode in server-cert client-cert; do
    client_cell "$alg" "$mode"
    server_cell "$alg" "$mode"
  done
done
if grep -rqs 'Unknown compression method' "$W"; then
  echo "NOTE: this GnuTLS build implements no RFC 8879 algorithm (no zlib/brotli/zstd backend);"
  echo "      only the fallback to plain Certificate messages could be checked against it."
fi
if [ $FAILED != 0 ]; then echo "logs: $W"; exit 1; fi
rm -rf "$W"
exit 0
