# shellcheck shell=bash
# Shared helpers for the TCP interop matrix (sourced by tcp_matrix.sh and peers/*.sh).
# Recipes follow /work/shared/peers.md (verified command lines for every peer).

# wait_for FILE REGEX PID [COUNT] [SECS]: bounded poll until COUNT lines of FILE match
# REGEX; fails early if PID dies, and after SECS (default 10) seconds.
wait_for() {
  timeout "${5:-10}" sh -c 'until [ "$(grep -cE "$2" "$1" 2>/dev/null)" -ge "$4" ]; do
    kill -0 "$3" 2>/dev/null || exit 1; sleep 0.05; done' _ "$1" "$2" "$3" "${4:-1}"
}
# wait_exit PID [SECS]: bounded wait for a background process we started; returns its status
# (124 if it had to be killed).
wait_exit() {
  local pid=$1 secs=${2:-15} i
  for ((i = 0; i < secs * 20; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid"; return; }
    sleep 0.05
  done
  kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; return 124
}
# port_of FILE: the port of an "ACCEPT 127.0.0.1:PORT" line (qtls server, s_server).
port_of()   { sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$1" | head -1; }
# $PYTHON: the real interpreter behind python3 (version-manager shims such as pyenv's cost ~1 s per start).
# free_port: an ephemeral port for servers that cannot print the one they bound (gnutls-serv, selfserv).
free_port() { "${PYTHON:-python3}" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# need_bin BINARY DEBIAN_PACKAGE: fail (never skip) when a peer program is missing.
need_bin() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "tcp_matrix: '$1' not found: install the Debian package '$2' (apt-get install -y $2)" >&2
  return 1
}

# make_pki DIR: the test PKI of peers.md section 1, plus the negative-test credentials:
#   expired.{pem,key}   signed by the CA, valid 2020-01-01..2020-02-01, SAN localhost
#   wronghost.{pem,key} signed by the CA, SAN DNS:wrong.example.org only
#   ca2.{pem,key}       a second CA nobody trusts; untrusted.{pem,key} a localhost leaf under it
make_pki() {
  mkdir -p "$1" && (
    set -e
    cd "$1"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 3650 \
      -subj "/CN=Test CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    printf '%s\n' 'subjectAltName=DNS:localhost,IP:127.0.0.1' basicConstraints=CA:FALSE extendedKeyUsage=serverAuth > srv.ext
    printf '%s\n' basicConstraints=CA:FALSE extendedKeyUsage=clientAuth > cli.ext
    printf '%s\n' 'subjectAltName=DNS:wrong.example.org' basicConstraints=CA:FALSE extendedKeyUsage=serverAuth > wrong.ext
    leaf() { n=$1 ext=$2; shift 2; openssl genpkey "$@" -out $n.key
      openssl req -new -key $n.key -subj "/CN=$n" -out $n.csr
      openssl x509 -req -in $n.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 825 -extfile $ext -out $n.pem; }
    leaf ec256   srv.ext -algorithm EC -pkeyopt ec_paramgen_curve:P-256
    leaf ec384   srv.ext -algorithm EC -pkeyopt ec_paramgen_curve:P-384
    leaf rsa2048 srv.ext -algorithm RSA -pkeyopt rsa_keygen_bits:2048      # TLS 1.3 signs rsa_pss_rsae_*
    leaf ed25519 srv.ext -algorithm ED25519
    leaf client  cli.ext -algorithm EC -pkeyopt ec_paramgen_curve:P-256
    leaf snirsa  srv.ext -algorithm RSA -pkeyopt rsa_keygen_bits:2048      # the certificate chosen for SNI "localhost"
    leaf wronghost wrong.ext -algorithm EC -pkeyopt ec_paramgen_curve:P-256
    # expired: `openssl x509 -days` cannot back-date, `openssl ca` can.
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out expired.key
    openssl req -new -key expired.key -subj "/CN=expired" -out expired.csr
    : > index.txt; echo 1000 > serial
    printf '%s\n' '[ca]' 'default_ca=d' '[d]' 'database=index.txt' 'new_certs_dir=.' 'serial=serial' \
      'policy=p' 'default_md=sha256' 'unique_subject=no' '[p]' 'commonName=supplied' > ca.cnf
    openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in expired.csr -out expired.pem -notext \
      -startdate 20200101000000Z -enddate 20200201000000Z -extfile srv.ext
    # second, untrusted CA and a leaf for localhost under it
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca2.key -out ca2.pem -days 3650 \
      -subj "/CN=Untrusted CA" -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out untrusted.key
    openssl req -new -key untrusted.key -subj "/CN=untrusted" -out untrusted.csr
    openssl x509 -req -in untrusted.csr -CA ca2.pem -CAkey ca2.key -CAcreateserial -days 825 -extfile srv.ext -out untrusted.pem
    for n in ec256 ec384 rsa2048 ed25519 client snirsa wronghost; do openssl verify -CAfile ca.pem $n.pem; done
    openssl verify -CAfile ca2.pem untrusted.pem
  ) > "$1/pki.log" 2>&1 || { echo "tcp_matrix: PKI generation failed, see $1/pki.log" >&2; return 1; }
}

# make_nssdb DIR PKI [ca-only]: NSS database (peers.md section 4) with every server/client
# credential (nicknames = PKI base names, snirsa as "localhost") and the test CA trusted; ca2 is
# not imported. ca-only: just the trusted CA (tstclnt picks any client key it finds in its database,
# so "no client certificate" needs a database without one).
make_nssdb() {
  local db=$1 pki=$2 n creds="ec256 ec384 rsa2048 client expired wronghost untrusted snirsa"
  [ "${3:-}" = ca-only ] && creds=""
  mkdir -p "$db" && (
    set -e
    certutil -N -d "sql:$db" --empty-password
    for n in $creds; do
      nick=$n; [ $n = snirsa ] && nick=localhost    # selfserv -a NAME serves the certificate nicknamed NAME
      openssl pkcs12 -export -in "$pki/$n.pem" -inkey "$pki/$n.key" -name $nick -out "$db/$n.p12" -passout pass:test
      pk12util -i "$db/$n.p12" -d "sql:$db" -W test -K ''
    done
    certutil -A -d "sql:$db" -n testca -t CT,C,C -i "$pki/ca.pem"
    certutil -L -d "sql:$db"
  ) > "$db.log" 2>&1 || { echo "tcp_matrix: NSS database setup failed, see $db.log" >&2; return 1; }
}

# make_lines FILE BYTES LINELEN: a line-based payload (an 8-digit line number, then random
# letters/digits, LINELEN bytes with the newline), for peers whose data services are line based
# (s_server -rev / qtls --rev, gnutls-serv --echo, which treats input as text).
make_lines() {
  "${PYTHON:-python3}" - "$1" "$2" "$3" <<'PY'
import sys, random, string
r = random.Random(4242); alpha = string.ascii_letters + string.digits
size, ll = int(sys.argv[2]), int(sys.argv[3])
with open(sys.argv[1], "w") as f:
    for i in range(size // ll):
        f.write("%08d" % i + "".join(r.choices(alpha, k=ll - 9)) + "\n")
PY
}
# rev_lines IN OUT: each line reversed (what --rev / s_server -rev answers).
rev_lines() { "${PYTHON:-python3}" -c 'import sys
with open(sys.argv[1]) as i, open(sys.argv[2], "w") as o:
    for l in i: o.write(l.rstrip("\n")[::-1] + "\n")' "$1" "$2"; }
sha() { sha256sum "$1" | cut -c1-64; }

# keylog_compare OURS THEIRS: the four traffic-secret lines must be present in both and equal.
keylog_compare() {
  local label a b
  for label in CLIENT_HANDSHAKE_TRAFFIC_SECRET SERVER_HANDSHAKE_TRAFFIC_SECRET CLIENT_TRAFFIC_SECRET_0 SERVER_TRAFFIC_SECRET_0; do
    a=$(grep "^$label " "$1" 2>/dev/null | head -1)
    b=$(grep "^$label " "$2" 2>/dev/null | head -1)
    [ -n "$a" ] || { echo "no $label in qtls key log"; return 1; }
    [ -n "$b" ] || { echo "no $label in the peer's key log"; return 1; }
    [ "$a" = "$b" ] || { echo "$label differs"; return 1; }
  done
}

# read_facts FILE AWKPROG: run AWKPROG over FILE (one process); its out(NAME, VALUE) calls set
# shell variables. Used to read a peer's log into F_* facts without a fork per field.
# (Debian's awk is mawk: no line breaks inside ?: expressions.)
read_facts() {
  local k v
  while IFS=$'\t' read -r k v; do printf -v "$k" '%s' "$v"; done < <(awk '
    function out(k, v) { gsub(/[\t\n]/, " ", v); printf "%s\t%s\n", k, v }
    function suite(s) {
      if (s == "AES-128-GCM") return "TLS_AES_128_GCM_SHA256"
      if (s == "AES-256-GCM") return "TLS_AES_256_GCM_SHA384"
      if (s == "CHACHA20-POLY1305") return "TLS_CHACHA20_POLY1305_SHA256"
      return s }
    function group(s) {
      if (s ~ /[xX]25519/) return "X25519"
      if (s ~ /P-?256|prime256v1|secp256r1|SECP256R1/) return "P-256"
      if (s ~ /P-?384|secp384r1|SECP384R1/) return "P-384"
      return s }
    '"$2" "$1")
}
