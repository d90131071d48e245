#!/usr/bin/env bash
# Smoke test of the quic-interop-runner endpoint script (interop/run_endpoint.sh) without docker:
# for each test case the script claims, a server and a client endpoint on 127.0.0.1 (the
# QTLS_ENDPOINT_* overrides: no simulator, directories under a temp root, an ephemeral port),
# two files requested as the runner does, both compared; plus the "unsupported" answer (exit 127).
#
#   endpoint_smoke.sh --qtls PATH [--keep]
#
# Checks per case the summary lines the runner's own checks would look for in a trace: retry=yes,
# resumed=yes, early-data=accepted, suite=TLS_CHACHA20_POLY1305_SHA256, version=v2 (reached from
# a v1 first Initial), alpn=h3 / hq-interop, one connection per URL for multiconnect.
set -uo pipefail
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
ENDPOINT=$HERE/../../../interop/run_endpoint.sh
read -ra CASES <<<"${SMOKE_CASES:-handshake transfer http3 retry resumption zerortt multiconnect chacha20 keyupdate v2}"   # SMOKE_CASES: a subset
UNSUPPORTED=(ecn versionnegotiation)

QTLS='' KEEP=0
while [ $# -gt 0 ]; do
  case $1 in
    --qtls) QTLS=$(readlink -f "$2"); shift 2 ;;
    --keep) KEEP=1; shift ;;
    *) sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
  esac
done
[ -n "$QTLS" ] && [ -x "$QTLS" ] || { echo "endpoint_smoke: pass --qtls PATH" >&2; exit 2; }
qi_has_quic "$QTLS" || { echo "endpoint_smoke: $QTLS has no quic-client/quic-server" >&2; exit 1; }
qi_resolve_python || { echo "endpoint_smoke: python3 does not run" >&2; exit 1; }

RUN=$(mktemp -d "${TMPDIR:-/tmp}/qtls-endpoint-smoke.XXXXXX")
mkdir -p "$RUN/certs" "$RUN/www"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$RUN/certs/priv.key" \
  -out "$RUN/certs/cert.pem" -days 1 -subj /CN=server -addext subjectAltName=DNS:localhost,IP:127.0.0.1 \
  > "$RUN/pki.log" 2>&1 || { echo "endpoint_smoke: openssl failed, see $RUN/pki.log" >&2; exit 1; }
head -c 300000 /dev/urandom > "$RUN/www/a.bin"
printf 'second file\n' > "$RUN/www/b.txt"
export QTLS_ENDPOINT_SIM=none QTLS_ENDPOINT_ROOT=$RUN QTLS_ENDPOINT_QTLS=$QTLS

nfail=0
report() { printf '%-19s %s\n' "$1" "$2"; [[ $2 == ok* ]] || nfail=$((nfail + 1)); }

one_case() {  # TESTCASE -> "ok ..." or the failure
  local tc=$1 port spid rc src want n
  rm -rf "$RUN/downloads" "$RUN/logs"; mkdir -p "$RUN/downloads"
  port=$(qi_free_udp_port)
  QTLS_ENDPOINT_PORT=$port ROLE=server TESTCASE=$tc timeout 60 "$ENDPOINT" > "$RUN/$tc.server" 2>&1 & spid=$!
  qi_wait_for "$RUN/$tc.server" '^qtls: quic-server listening on ' "$spid" 1 10 ||
    { kill "$spid" 2>/dev/null; echo "server did not start: $(tail -1 "$RUN/$tc.server")"; return; }
  QTLS_ENDPOINT_PORT=$port ROLE=client TESTCASE=$tc REQUESTS="https://127.0.0.1:$port/a.bin https://127.0.0.1:$port/b.txt" \
    timeout 60 "$ENDPOINT" > "$RUN/$tc.client" 2>&1; rc=$?
  qi_stop "$spid" 10; src=$?
  [ "$rc" = 0 ] || { echo "client exit $rc: $(grep -v '^ ' "$RUN/$tc.client" | tail -1)"; return; }
  [ "$src" = 0 ] || { echo "server exit $src after SIGTERM"; return; }
  cmp -s "$RUN/www/a.bin" "$RUN/downloads/a.bin" && cmp -s "$RUN/www/b.txt" "$RUN/downloads/b.txt" ||
    { echo "downloads differ from /www"; return; }
  n=2; want=''
  case $tc in
    http3) want='alpn=h3' ;;
    retry) want='retry=yes' ;;
    resumption) want='resumed=yes' ;;
    zerortt) want='early-data=accepted' ;;
    chacha20) want='suite=TLS_CHACHA20_POLY1305_SHA256' ;;
    v2) want='version=v2' ;;
    keyupdate) grep -q '^qtls: key update initiated' "$RUN/$tc.client" || { echo "no 'key update initiated'"; return; } ;;
    *) want='alpn=hq-interop' ;;
  esac
  case $tc in resumption|zerortt|multiconnect) ;; *) n=1 ;; esac
  [ "$(qi_count "$RUN/$tc.client" '^qtls: quic connected: ')" = "$n" ] || { echo "expected $n connection(s)"; return; }
  if [ -n "$want" ]; then
    grep '^qtls: quic connected: ' "$RUN/$tc.client" | tail -1 | grep -q " $want" || { echo "client: no $want"; return; }
    grep '^qtls: quic accepted: ' "$RUN/$tc.server" | tail -1 | grep -q " $want" || { echo "server: no $want"; return; }
  fi
  echo "ok (${want:-files compared})"
}

for tc in "${CASES[@]}"; do t0=$SECONDS; r=$(one_case "$tc"); report "$tc" "$r [$((SECONDS - t0))s]"; done
for tc in "${UNSUPPORTED[@]}"; do
  ROLE=server TESTCASE=$tc timeout 10 "$ENDPOINT" > "$RUN/$tc.server" 2>&1; rc=$?
  [ "$rc" = 127 ] && report "$tc" "ok (exit 127: unsupported)" || report "$tc" "exit $rc, expected 127"
done
echo "endpoint_smoke: $(( ${#CASES[@]} + ${#UNSUPPORTED[@]} - nfail )) passed, $nfail failed"
if [ $nfail -gt 0 ] || [ $KEEP = 1 ]; then echo "work directory kept: $RUN"; else rm -rf "$RUN"; fi
[ $nfail = 0 ]
