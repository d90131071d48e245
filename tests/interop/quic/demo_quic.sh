#!/usr/bin/env bash
# The QUIC part of `./run demo`: fetch a file over QUIC + HTTP/3 in both directions against ngtcp2's
# GnuTLS-based programs and print what each connection negotiated (version, suite, ALPN).
#
#   qtls quic-client -> gtlsserver      gtlsclient -> qtls quic-server
#
# Usage, sourced (run's cmd_demo):  . tests/interop/quic/demo_quic.sh; demo_quic QTLS_BINARY WORKDIR
# or as a program:                  tests/interop/quic/demo_quic.sh QTLS_BINARY WORKDIR
# WORKDIR is created (certificates, served files, logs). Returns non-zero, with the reason on
# stderr, if a transfer failed or a peer program is missing. Everything on 127.0.0.1, ephemeral
# ports, every process under timeout.

DEMO_QUIC_HERE=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")" && pwd)
# shellcheck source=lib.sh
. "$DEMO_QUIC_HERE/lib.sh"

demo_quic() {
  local qtls=$1 dir=$2 port spid rc=0
  local say=log; declare -F log >/dev/null || say=_demo_quic_say
  [ -x "$qtls" ] || { echo "demo_quic: no qtls program at '$qtls'" >&2; return 1; }
  qi_has_quic "$qtls" || { echo "demo_quic: $qtls has no quic-client/quic-server subcommands" >&2; return 1; }
  qi_need_bin gtlsserver ngtcp2-server && qi_need_bin gtlsclient ngtcp2-client || return 1
  qi_resolve_python || { echo "demo_quic: python3 does not run" >&2; return 1; }
  rm -rf "$dir" && mkdir -p "$dir/www" "$dir/dl1" "$dir/dl2" || return 1
  qi_make_pki "$dir/pki" || return 1
  head -c 262144 /dev/urandom > "$dir/www/demo.bin"

  $say "demo: qtls quic-client -> gtlsserver (ngtcp2 + GnuTLS), HTTP/3, GET /demo.bin"
  port=$(qi_free_udp_port)
  timeout 60 gtlsserver --no-quic-dump --no-http-dump -q -d "$dir/www" 127.0.0.1 "$port" \
    "$dir/pki/server.key" "$dir/pki/server.pem" > "$dir/gtlsserver.log" 2>&1 & spid=$!
  if qi_wait_udp_bound "$port" "$spid" 10; then
    timeout 40 "$qtls" quic-client --ca "$dir/pki/ca.pem" --sni localhost --alpn h3 --download "$dir/dl1" \
      --timeout 30 "https://127.0.0.1:$port/demo.bin" > "$dir/qtls-client.log" 2>&1 || rc=1
    grep -E '^qtls: (quic connected|GET)' "$dir/qtls-client.log" | sed 's/^/    /' || true
    if cmp -s "$dir/www/demo.bin" "$dir/dl1/demo.bin"; then echo "    downloaded file matches (262144 bytes)"
    else rc=1; echo "demo_quic: qtls quic-client -> gtlsserver failed:" >&2; tail -5 "$dir/qtls-client.log" >&2; fi
  else
    rc=1; echo "demo_quic: gtlsserver did not start:" >&2; tail -3 "$dir/gtlsserver.log" >&2
  fi
  qi_stop "$spid" 5 >/dev/null || true

  $say "demo: gtlsclient (ngtcp2 + GnuTLS) -> qtls quic-server, HTTP/3, GET /demo.bin"
  timeout 60 "$qtls" quic-server --cert "$dir/pki/server.pem" --key "$dir/pki/server.key" --listen 127.0.0.1 \
    --port 0 --www "$dir/www" > "$dir/qtls-server.log" 2>&1 & spid=$!
  if qi_wait_for "$dir/qtls-server.log" '^qtls: quic-server listening on ' "$spid" 1 10; then
    port=$(sed -n 's/^qtls: quic-server listening on .*:\([0-9][0-9]*\)$/\1/p' "$dir/qtls-server.log" | head -1)
    timeout 40 gtlsclient --exit-on-all-streams-close --no-quic-dump --no-http-dump --download="$dir/dl2" \
      127.0.0.1 "$port" "https://127.0.0.1:$port/demo.bin" > "$dir/gtlsclient.log" 2>&1 || rc=1
    grep -E '^Negotiated (cipher suite|group|ALPN)|negotiated version is' "$dir/gtlsclient.log" |
      sed -e 's/^I[0-9]* 0x[0-9a-f]* con /gtlsclient: /' -e 's/^Negotiated/gtlsclient: negotiated/' | sed 's/^/    /' || true
    if cmp -s "$dir/www/demo.bin" "$dir/dl2/demo.bin"; then echo "    downloaded file matches (262144 bytes)"
    else rc=1; echo "demo_quic: gtlsclient -> qtls quic-server failed:" >&2; tail -5 "$dir/gtlsclient.log" >&2; fi
  else
    rc=1; echo "demo_quic: qtls quic-server did not start:" >&2; tail -3 "$dir/qtls-server.log" >&2
  fi
  qi_stop "$spid" 5 >/dev/null || true
  $say "demo: what the qtls quic-server saw"
  grep -E '^qtls: quic accepted' "$dir/qtls-server.log" | sed 's/^/    /' || true
  return $rc
}
_demo_quic_say() { printf '==> %s\n' "$*" >&2; }

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
  [ $# = 2 ] || { sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2; }
  demo_quic "$1" "$2"
fi
