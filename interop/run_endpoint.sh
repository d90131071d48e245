#!/bin/bash
# quic-interop-runner endpoint for qtls (ENTRYPOINT of interop/Dockerfile).
#
# The runner sets: ROLE (client|server), TESTCASE, REQUESTS (client: space-separated URLs),
# SSLKEYLOGFILE, QLOGDIR, and optionally CLIENT_PARAMS / SERVER_PARAMS (extra CLI options). The
# server serves /www on UDP port 443 with /certs/cert.pem + /certs/priv.key; the client writes
# every response body to /downloads/<basename>. Test cases we do not implement exit 127, which the
# runner reports as "unsupported". Logs: /logs/qtls.log (and stdout).
#
# Outside the runner (a local smoke test on 127.0.0.1), QTLS_ENDPOINT_{ROOT,PORT,QTLS,SIM} move
# the directories under ROOT, change the port, name the qtls program and skip the simulator
# setup (SIM=none); see interop/README.md.
set -uo pipefail

ROOT=${QTLS_ENDPOINT_ROOT:-} PORT=${QTLS_ENDPOINT_PORT:-443} QTLS=${QTLS_ENDPOINT_QTLS:-qtls}
SIM=${QTLS_ENDPOINT_SIM:-sim:57832}
[ "$SIM" = none ] || /setup.sh

# hq-interop (HTTP/0.9 over QUIC) everywhere except the http3 test case, as the runner expects.
case ${TESTCASE:-} in
  handshake|transfer|longrtt|multiplexing|chacha20|retry|resumption|zerortt|http3|multiconnect|v2|keyupdate|\
  handshakeloss|transferloss|handshakecorruption|transfercorruption|blackhole|goodput|crosstraffic) ;;
  *) echo "run_endpoint: test case '${TESTCASE:-}' is not supported by qtls" >&2; exit 127 ;;
esac
ALPN=hq-interop
[ "$TESTCASE" = http3 ] && ALPN=h3

LOG=$ROOT/logs/qtls.log
mkdir -p "$ROOT/logs" "${QLOGDIR:-$ROOT/logs/qlog}"
COMMON=(-v --qlog-dir "${QLOGDIR:-$ROOT/logs/qlog}")
[ -n "${SSLKEYLOGFILE:-}" ] && COMMON+=(--keylog "$SSLKEYLOGFILE")

# run CMD...: CMD with its stderr and stdout both in $LOG and on stdout; returns CMD's status.
run() { echo "run_endpoint: $*" | tee -a "$LOG"; "$@" 2>&1 | tee -a "$LOG"; return "${PIPESTATUS[0]}"; }

if [ "${ROLE:-}" = client ]; then
  # The simulator opens TCP port 57832 once it forwards packets.
  if [ "$SIM" != none ]; then /wait-for-it.sh "$SIM" -s -t 30 || exit 1; fi
  # The runner's certificates are made per run and its CA is not given to the client, so the
  # client cannot verify the server (every interop client skips verification here).
  ARGS=(quic-client --alpn "$ALPN" --download "$ROOT/downloads" --insecure-skip-verify --timeout 300 "${COMMON[@]}")
  case $TESTCASE in
    resumption) ARGS+=(--resume) ;;             # first URL on connection 1, the rest resumed
    zerortt) ARGS+=(--early-data) ;;            # the rest in 0-RTT on the resumed connection
    multiconnect|handshakeloss|handshakecorruption) ARGS+=(--multiconnect) ;;   # one connection per URL
    chacha20) ARGS+=(--ciphers TLS_CHACHA20_POLY1305_SHA256) ;;
    keyupdate) ARGS+=(--key-update) ;;
    v2) ARGS+=(--quic-version v1) ;;            # starts in v1; the server upgrades (RFC 9368)
  esac
  # shellcheck disable=SC2086  # REQUESTS and CLIENT_PARAMS are word lists by the runner's contract
  run "$QTLS" "${ARGS[@]}" ${CLIENT_PARAMS:-} ${REQUESTS:-}
  exit $?
elif [ "${ROLE:-}" = server ]; then
  ARGS=(quic-server --cert "$ROOT/certs/cert.pem" --key "$ROOT/certs/priv.key" --listen 0.0.0.0 --port "$PORT"
    --www "$ROOT/www"
    "${COMMON[@]}")
  case $TESTCASE in
    retry) ARGS+=(--retry) ;;
    v2) ARGS+=(--quic-versions "v2,v1") ;;       # prefer v2: compatible version negotiation
  esac
  # exec: the server becomes the container's main process, so the runner's SIGTERM reaches it
  # directly and it exits cleanly (closing its qlog files).
  echo "run_endpoint: $QTLS ${ARGS[*]} ${SERVER_PARAMS:-}" | tee -a "$LOG"
  exec > >(tee -a "$LOG") 2>&1
  # shellcheck disable=SC2086
  exec "$QTLS" "${ARGS[@]}" ${SERVER_PARAMS:-}
fi
echo "run_endpoint: ROLE must be client or server, not '${ROLE:-}'" >&2
exit 1
