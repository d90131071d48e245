#!/usr/bin/env bash
# The qtls program's diagnostics and verification switches against its own
# server on 127.0.0.1 (ephemeral port): QTLS_LOG=trace shows every handshake
# message; a failed handshake names side, alert and cause on both ends;
# --insecure-skip-verify warns; --pin-sha256 accepts the right key and
# rejects another with bad_certificate; --ca-dir and --system-roots; a file
# that cannot be loaded is named. Every process is bounded.
#   cli_diagnostics_test.sh PATH/TO/qtls
set -u
QTLS=$(realpath "${1:?path to the qtls program}")
LIMIT=20  # seconds for any one process
WORK=$(mktemp -d "${TMPDIR:-/tmp}/qtls-cli-diag.XXXXXX")
SERVER_PID=
cleanup() { [ -z "$SERVER_PID" ] || kill "$SERVER_PID" 2>/dev/null; rm -rf "$WORK"; }
trap cleanup EXIT
fail() { echo "cli_diagnostics_test: FAIL: $*" >&2; exit 1; }
ok() { echo "cli_diagnostics_test: ok: $*"; }
command -v openssl >/dev/null || fail "openssl is not installed (needed for the test certificates)"
[ -x "$QTLS" ] || fail "$QTLS is not executable"

cd "$WORK" || fail "no work dir"
{
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -subj /CN=diag-ca -days 2 &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr -subj /CN=localhost &&
  printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' > leaf.ext &&
  openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 2 -extfile leaf.ext &&
  openssl genpkey -algorithm ec -pkeyopt ec_paramgen_curve:P-256 -out other.key
} > pki.log 2>&1 || fail "openssl could not create the certificates: $(tail -3 pki.log)"
pin_of() { openssl pkey -pubin -outform der 2>/dev/null | openssl dgst -sha256 -binary | base64; }
LEAF_PIN=$(openssl x509 -in leaf.pem -pubkey -noout | pin_of)
OTHER_PIN=$(openssl pkey -in other.key -pubout | pin_of)
[ ${#LEAF_PIN} = 44 ] && [ ${#OTHER_PIN} = 44 ] || fail "could not compute pins"

# One server for every case; it echoes, and logs at error level.
QTLS_LOG=error timeout 120 "$QTLS" server --cert leaf.pem --key leaf.key --echo > server.out 2> server.err &
SERVER_PID=$!
for _ in $(seq 300); do grep -q "^ACCEPT " server.out server.err 2>/dev/null && break; kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
ADDR=$(grep -ho '^ACCEPT [0-9.:]*' server.out server.err | head -1 | cut -d' ' -f2)
[ -n "$ADDR" ] || fail "the server printed no ACCEPT line: $(cat server.err)"

client() {  # NAME ARGS... : runs a client that sends one line, output in NAME.out / NAME.err
  local name=$1; shift
  echo "ping" | timeout $LIMIT "$QTLS" client "$ADDR" --CAfile ca.pem "$@" > "$name.out" 2> "$name.err"
}

QTLS_LOG=trace client trace --servername localhost || fail "trace client failed: $(tail -3 trace.err)"
for msg in "sent initial: ClientHello" "received initial: ServerHello" "received handshake: EncryptedExtensions" \
           "received handshake: Certificate len=" "received handshake: CertificateVerify len=" \
           "received handshake: Finished" "sent handshake: Finished" "received application: NewSessionTicket" \
           "handshake complete: suite="; do
  grep -q "client .*$msg" trace.err || fail "QTLS_LOG=trace shows no '$msg': $(head -20 trace.err)"
done
grep -qE '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3} client trace: sent initial: ClientHello' trace.err ||
  fail "log lines lack time and side: $(head -2 trace.err)"
grep -q ' client trace client: ' trace.err && fail "log lines name the side twice: $(grep -m1 ' client trace client: ' trace.err)"
ok "QTLS_LOG=trace shows every handshake message"
client quiet --servername localhost || fail "client failed"
! grep -q ' trace \| debug ' quiet.err || fail "logging without QTLS_LOG"
ok "no log lines without QTLS_LOG"

client wrongname --servername wrong.example && fail "wrong server name accepted"
grep -q '^qtls client: handshake failed: local alert bad_certificate (certificate does not match the server name)' wrongname.err ||
  fail "client failure line: $(grep -m1 '^qtls client' wrongname.err)"
for _ in $(seq 50); do grep -q 'peer sent alert bad_certificate' server.err && break; sleep 0.1; done
grep -q '^qtls server: handshake failed: peer sent alert bad_certificate' server.err ||
  fail "server failure line: $(grep -m1 '^qtls server' server.err)"
ok "failures name side, alert and cause"

client insecure --servername wrong.example --insecure-skip-verify || fail "--insecure-skip-verify failed: $(tail -2 insecure.err)"
grep -q 'WARNING: --insecure-skip-verify' insecure.err || fail "--insecure-skip-verify printed no warning"
grep -q '^ping' insecure.out || fail "no echo with --insecure-skip-verify"
ok "--insecure-skip-verify connects and warns"

client pinned --servername localhost --pin-sha256 "$LEAF_PIN" || fail "matching pin rejected: $(tail -2 pinned.err)"
client mispinned --servername localhost --pin-sha256 "$OTHER_PIN" && fail "mismatched pin accepted"
grep -q '^qtls client: handshake failed: local alert bad_certificate (no certificate in the chain matches a pinned public key' mispinned.err ||
  fail "pin mismatch line: $(grep -m1 '^qtls client' mispinned.err)"
client badpin --servername localhost --pin-sha256 'not-base64' && fail "malformed pin accepted"
[ $? = 2 ] || fail "a malformed pin is not a usage error"
ok "--pin-sha256 accepts the right key, rejects another with bad_certificate"
# Root stores: a hashed directory (--ca-dir, alias --CApath), the system
# store (which cannot hold this test's CA), and errors naming the file.
bare() {  # NAME ARGS... : like client, without --CAfile
  local name=$1; shift
  echo "ping" | timeout $LIMIT "$QTLS" client "$ADDR" --servername localhost "$@" > "$name.out" 2> "$name.err"
}
{ mkdir hashed && cp ca.pem hashed/ && openssl rehash hashed; } > rehash.log 2>&1 || fail "openssl rehash: $(tail -2 rehash.log)"
bare cadir --ca-dir hashed || fail "--ca-dir failed: $(tail -2 cadir.err)"
grep -q '^ping' cadir.out || fail "no echo with --ca-dir"
bare capath --CApath hashed || fail "--CApath failed: $(tail -2 capath.err)"
bare system --system-roots && fail "the system store trusted the test CA"
grep -q '^qtls client: handshake failed: local alert unknown_ca' system.err ||
  fail "--system-roots: $(grep -m1 '^qtls client' system.err)"
bare nodir --ca-dir "$WORK/missing" && fail "a missing --ca-dir was accepted"
grep -q "$WORK/missing: no such directory" nodir.err || fail "missing --ca-dir: $(tail -1 nodir.err)"
bare nokey --CAfile ca.pem --cert leaf.pem --key "$WORK/none.key" && fail "a missing --key was accepted"
grep -q "$WORK/none.key: no such file" nokey.err || fail "missing --key: $(tail -1 nokey.err)"
ok "--ca-dir and --system-roots; load errors name the file"
echo "cli_diagnostics_test: PASS"
