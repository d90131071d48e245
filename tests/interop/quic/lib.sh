# shellcheck shell=bash
# Shared helpers for the QUIC interop matrix (quic_matrix.sh) and the QUIC demo (demo_quic.sh).
# gtlsserver / gtlsclient recipes: /work/shared/ngtcp2-backend.md sections 5-6.

# wait_for FILE REGEX PID [COUNT] [SECS]: bounded poll until COUNT lines of FILE match REGEX;
# fails early if PID dies, and after SECS (default 10) seconds.
qi_wait_for() {
  timeout "${5:-10}" sh -c 'until [ "$(grep -cE "$2" "$1" 2>/dev/null)" -ge "$4" ]; do
    kill -0 "$3" 2>/dev/null || exit 1; sleep 0.05; done' _ "$1" "$2" "$3" "${4:-1}"
}

# qi_wait_exit PID [SECS]: bounded wait for a background process we started; returns its status
# (124 if it had to be killed).
qi_wait_exit() {
  local pid=$1 secs=${2:-15} i
  for ((i = 0; i < secs * 20; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid"; return; }
    sleep 0.05
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; return 124
}

# qi_stop PID [SECS]: SIGTERM a background server we started and wait (bounded) for its exit status.
qi_stop() { kill -TERM "$1" 2>/dev/null; qi_wait_exit "$1" "${2:-10}"; }

# qi_resolve_python: set PYTHON to the real interpreter once (a version manager's python3 shim,
# e.g. pyenv's, costs seconds per start; Debian's /usr/bin/python3 is preferred when present).
qi_resolve_python() {
  [ -n "${PYTHON:-}" ] && return 0
  if [ -x /usr/bin/python3 ]; then PYTHON=/usr/bin/python3
  else PYTHON=$(python3 -c 'import sys; print(sys.executable)') || return 1; fi
  export PYTHON
}

# qi_free_udp_port: an ephemeral UDP port on 127.0.0.1 for servers that cannot print the one they
# bound (gtlsserver takes a port number and prints nothing once bound).
qi_free_udp_port() {
  "${PYTHON:-python3}" -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# qi_wait_udp_bound PORT PID [SECS]: bounded poll of /proc/net/udp until something is bound to
# 127.0.0.1:PORT (or *:PORT); fails early if PID dies.
qi_wait_udp_bound() {
  local hex; hex=$(printf '%04X' "$1")
  timeout "${3:-10}" sh -c 'until grep -qE "^ *[0-9]+: (0100007F|00000000):$1 " /proc/net/udp; do
    kill -0 "$2" 2>/dev/null || exit 1; sleep 0.05; done' _ "$hex" "$2"
}

# qi_need_bin BINARY DEBIAN_PACKAGE: fail (never skip) when a peer program is missing.
qi_need_bin() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "quic_matrix: '$1' not found: install the Debian package '$2' (apt-get install -y -t bookworm-backports $2)" >&2
  return 1
}

# qi_has_quic QTLS: the qtls program has the quic-client and quic-server subcommands.
qi_has_quic() {
  local h; h=$("$1" --help 2>&1)
  [[ $h == *quic-client* && $h == *quic-server* ]]
}

# qi_make_pki DIR: a CA and a P-256 server certificate for localhost / 127.0.0.1 (gtlsserver and
# qtls quic-server both serve it; the qtls client trusts ca.pem).
qi_make_pki() {
  mkdir -p "$1" && (
    set -e
    cd "$1"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 30 \
      -subj "/CN=qtls QUIC interop CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign
    printf '%s\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1' basicConstraints=CA:FALSE extendedKeyUsage=serverAuth > srv.ext
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out server.key
    openssl req -new -key server.key -subj "/CN=localhost" -out server.csr
    openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 30 -extfile srv.ext -out server.pem
    openssl verify -CAfile ca.pem server.pem
  ) > "$1/pki.log" 2>&1 || { echo "quic_matrix: PKI generation failed, see $1/pki.log" >&2; return 1; }
}

# qi_make_www DIR: the files the servers serve (random content, so cmp proves the transfer).
#   index.html  hello.txt (13 B)  64k.bin  1mb.bin (1 MiB)
qi_make_www() {
  mkdir -p "$1" && (
    cd "$1" || exit 1
    printf '<!doctype html><title>qtls</title><p>qtls QUIC interop</p>\n' > index.html
    printf 'hello, QUIC\n\n' > hello.txt
    head -c 65536 /dev/urandom > 64k.bin
    head -c 1048576 /dev/urandom > 1mb.bin
  )
}

# qi_parse_summary FILE KIND [N]: the Nth "qtls: quic KIND: k=v ..." line (KIND connected|accepted)
# into QS_LINE and QS_<k> (QS_version, QS_suite, QS_group, QS_alpn, QS_resumed, QS_early_data,
# QS_retry).
qi_parse_summary() {
  local l n=0 x k
  # shellcheck disable=SC2034  # the QS_* fields are read by the callers (by name)
  QS_LINE='' QS_version='' QS_suite='' QS_group='' QS_alpn='' QS_resumed='' QS_early_data='' QS_retry=''
  while IFS= read -r l; do
    [[ $l == "qtls: quic $2: "* ]] || continue
    n=$((n + 1)); [ "$n" = "${3:-1}" ] && { QS_LINE=$l; break; }
  done < "$1"
  for x in $QS_LINE; do
    [[ $x == *=* ]] || continue
    k=${x%%=*}; k=${k//-/_}
    case $k in version|suite|group|alpn|resumed|early_data|retry) printf -v "QS_$k" '%s' "${x#*=}" ;; esac
  done
}
# qi_count FILE REGEX: number of lines of FILE matching REGEX (0 if the file is missing).
qi_count() { grep -cE "$2" "$1" 2>/dev/null || true; }
