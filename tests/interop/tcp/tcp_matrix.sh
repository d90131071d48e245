#!/usr/bin/env bash
# TCP interop matrix: the qtls CLI against real TLS 1.3 peers (OpenSSL, GnuTLS, NSS, curl, Python).
#
#   tcp_matrix.sh [--qtls PATH] [--filter REGEX] [--list] [--jobs N] [--keep]
#
# Cells are named PEER:DIR:CASE, DIR = client (qtls client -> the peer's server, "qtls→peer") or
# server (the peer's client -> qtls server, "peer→qtls"); --filter selects cells by that name
# (extended regex), e.g. '^openssl:client:' or ':neg:'. Prints "peer | case | direction | result";
# exits 1 if any cell failed or a peer program is missing (never skips), 2 on usage errors.
# Everything runs on 127.0.0.1 with ephemeral ports, every process under timeout; the PKI
# (peers.md section 1 + expired / wrong-host / untrusted-CA certificates) is made fresh per run.
# Recipes: /work/shared/peers.md. Logs: a temp dir, kept (and printed) when a cell fails or --keep.
set -uo pipefail
[ -n "${TCP_MATRIX_TRACE:-}" ] && { PS4='+ $EPOCHREALTIME '; set -x; }   # debugging: timestamped trace
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"
for f in "$HERE"/peers/*.sh; do . "$f"; done

PEERS=(openssl gnutls nss curl python)
CASES=(suite:TLS_AES_128_GCM_SHA256 suite:TLS_AES_256_GCM_SHA384 suite:TLS_CHACHA20_POLY1305_SHA256
  group:X25519 group:P-256 group:P-384 hrr
  cert:ecdsa-p256 cert:ecdsa-p384 cert:rsa-pss-rsae cert:ed25519
  alpn sni client-auth resumption early-data post-handshake-auth key-update transfer-4MB close-notify keylog
  external-psk exporter async-sign
  rpk record-size-limit
  neg:wrong-host neg:untrusted-ca neg:expired neg:no-common-group neg:no-common-suite neg:no-common-alpn)
CELL_TIMEOUT=200

usage() { sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'; }

# ======================================================================================
# Helpers used inside a cell (each cell runs in its own process and directory).
# ======================================================================================
BG=()
fail() { printf 'FAIL: %s\n' "$*" > "$W/result"; logcmd "# FAIL"; exit 1; }
pass() { printf 'PASS%s\n' "${1:+ ($1)}" > "$W/result"; logcmd "# PASS"; exit 0; }
na()   { printf 'N/A: %s\n' "$*" > "$W/result"; exit 0; }
CELL_T0=$EPOCHREALTIME
logcmd() {  # the command line, with the time since the cell started, for reproduction
  local us=$(( ${EPOCHREALTIME/./} - ${CELL_T0/./} ))
  { printf '# +%d.%02ds\n' $((us / 1000000)) $((us % 1000000 / 10000)); printf '%q ' "$@"; echo; } >> "$W/commands.txt"
}
# bg_start LOG CMD...: CMD in the background (stdin $BG_IN or /dev/null), killed when the cell ends.
bg_start() {
  local log=$1; shift
  logcmd "$@" "> $log"
  "$@" < "${BG_IN:-/dev/null}" > "$log" 2>&1 &
  BG_PID=$!; BG+=("$BG_PID")
}
cell_cleanup() { local p; for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done; return 0; }

cert_file() { case $1 in ecdsa-p256) echo ec256;; ecdsa-p384) echo ec384;; rsa-pss-rsae) echo rsa2048;; ed25519) echo ed25519;; esac; }
cert_sig()  { case $1 in ec256) echo ecdsa_secp256r1_sha256;; ec384) echo ecdsa_secp384r1_sha384;;
  rsa2048|snirsa) echo rsa_pss_rsae_sha256;; ed25519) echo ed25519;; esac; }

# parse_q FILE KIND [N]: the Nth "qtls: connected:" / "qtls: accepted:" summary line
#   qtls: connected: TLSv1.3 TLS_AES_128_GCM_SHA256 group=X25519 sig=... alpn=h2 hrr=no resumed=no
#   peer="CN=ec256" early-data=none
parse_q() {
  local l n=0 w x
  Q_LINE='' Q_SUITE='' Q_GROUP='' Q_SIG='' Q_ALPN='' Q_HRR='' Q_SNI='' Q_PEER='' Q_RESUMED='' Q_EARLY=''
  while IFS= read -r l; do
    [[ $l == "qtls: $2: "* ]] || continue
    n=$((n + 1)); [ "$n" = "${3:-1}" ] && { Q_LINE=$l; break; }
  done < "$1"
  read -ra w <<<"$Q_LINE"
  Q_SUITE=${w[3]:-}
  for x in "${w[@]}"; do
    case $x in group=*|sig=*|alpn=*|hrr=*|sni=*|peer=*) x=${x//\"/}; printf -v "Q_${x%%=*}" '%s' "${x#*=}";;
      resumed=*) Q_RESUMED=${x#*=};; early-data=*) Q_EARLY=${x#*=};; esac
  done
  Q_GROUP=${Q_group:-} Q_SIG=${Q_sig:-} Q_ALPN=${Q_alpn:-} Q_HRR=${Q_hrr:-} Q_SNI=${Q_sni:-} Q_PEER=${Q_peer:-}
  unset Q_group Q_sig Q_alpn Q_hrr Q_sni Q_peer
}
expect() { [ "$2" = "$3" ] || fail "qtls: $1=${2:-<none>}, expected $3"; }
# expect_peer FACT VALUE WANT: checked only when the peer reports FACT (adapter's $FACTS)
expect_peer() {
  [[ " $FACTS " == *" $1 "* ]] || return 0
  [ "$2" = "$3" ] || fail "peer: $1=${2:-<none>}, expected $3"
}
peer_failed() { [ -n "$F_FAIL" ] || fail "the peer did not report a failure"; }
# srv_wait_fail: before stopping a long-running peer server after a connection that must fail, wait
# (bounded) until it has logged the failure: it writes that line after our client has already exited.
srv_wait_fail() { [ -z "${SRV_FAIL_RE:-}" ] || wait_for srv.log "$SRV_FAIL_RE" "$SPID" 1 5 || true; }

# ---- qtls client against the peer's server ----
qclient() {  # NAME ARGS...: input $QIN or $PROBE_IN; sets Q_RC and the Q_* summary
  local n=$1; shift
  local a=(client "127.0.0.1:$PORT" --CAfile "$PKI/ca.pem" --servername "${QNAME:-localhost}" -v "$@")
  logcmd timeout 60 "$QTLS" "${a[@]}" "<" "${QIN:-$PROBE_IN}"
  timeout 60 "$QTLS" "${a[@]}" < "${QIN:-$PROBE_IN}" > "$n.out" 2> "$n.err"; Q_RC=$?
  echo "$Q_RC" > "$n.rc"
  parse_q "$n.err" connected
}
client_ok() {  # NAME
  Q_RC=$(cat "$1.rc"); parse_q "$1.err" connected
  [ "$Q_RC" = 0 ] || fail "qtls client exit $Q_RC: $(grep -m1 '^qtls client' "$1.err")"
  [ -n "$Q_LINE" ] || fail "qtls client printed no summary"
  grep -qE "$PROBE_RE" "$1.out" || fail "no answer from the peer in $1.out"
}
# qclient_bg NAME ARGS...: the qtls client in the background (CPID), stdin from the FIFO NAME.in
# held open on fd 4, so a cell can feed it line by line; qclient_bg_end NAME closes it and waits.
qclient_bg() {
  local n=$1; shift
  local a=(client "127.0.0.1:$PORT" --CAfile "$PKI/ca.pem" --servername "${QNAME:-localhost}" -v "$@")
  rm -f "$n.in"; mkfifo "$n.in"
  logcmd timeout 60 "$QTLS" "${a[@]}" "<" "$n.in"
  timeout 60 "$QTLS" "${a[@]}" < "$n.in" > "$n.out" 2> "$n.err" & CPID=$!; BG+=("$CPID")
  exec 4> "$n.in"
}
qclient_bg_end() { exec 4>&-; wait_exit "$CPID" 20; Q_RC=$?; echo "$Q_RC" > "$1.rc"; parse_q "$1.err" connected; }
# The resumed connection of --reconnect ("qtls: connected:"; the first one is "first connection:").
expect_resumed() {  # NAME [early]
  client_ok "$1"; expect resumed "$Q_RESUMED" yes
  [ -z "${2:-}" ] || expect early-data "$Q_EARLY" accepted
}
client_rejected() {  # NAME ALERT
  [ "$(cat "$1.rc")" != 0 ] || fail "qtls client succeeded"
  grep -qE "^qtls client: .*alert $2( |\)|$)" "$1.err" ||
    fail "expected alert $2, got: $(grep -m1 '^qtls client' "$1.err")"
}

# External PSK (RFC 8446 §2.2) shared by every peer's external-psk cells, and the exporter label
# (RFC 8446 §7.5) of the exporter cells: "EXPERIMENTAL" labels are free to use (RFC 5705 §4).
PSK_ID=qtls-interop PSK_HEX=6a2f9c3b81d4e05f7a6b1c2d3e4f50617283940a1b2c3d4e5f60718293a4b5c6
EXPORT_LABEL=EXPERIMENTAL-qtls-interop EXPORT_LEN=32
# qpsk_client NAME ARGS...: the qtls client with the external PSK and no trust store, so only a
# PSK handshake can succeed; input $QIN or $PROBE_IN.
qpsk_client() {
  local n=$1; shift
  local a=(client "127.0.0.1:$PORT" --psk "$PSK_HEX" --psk-identity "$PSK_ID" -v "$@")
  logcmd timeout 60 "$QTLS" "${a[@]}" "<" "${QIN:-$PROBE_IN}"
  timeout 60 "$QTLS" "${a[@]}" < "${QIN:-$PROBE_IN}" > "$n.out" 2> "$n.err"; echo $? > "$n.rc"
}
expect_psk() {  # the summary line (Q_LINE) names the external PSK and no certificate was used
  [[ $Q_LINE == *" psk=\"$PSK_ID\""* ]] || fail "qtls did not use the external PSK: ${Q_LINE:-no summary}"
  expect sig "$Q_SIG" none
}
# exported_q FILE: the hex qtls printed for --export-keying-material $EXPORT_LABEL:$EXPORT_LEN
exported_q() { sed -n "s/^qtls: keying material: $EXPORT_LABEL \([0-9A-F]*\)$/\1/p" "$1" | head -1; }

# Raw public keys (RFC 7250) and record_size_limit (RFC 8449) have no option in most peers' programs:
# a peer that can run them defines PEER_client_rpk, PEER_server_record_size_limit, ...; else N/A.
peer_specific_case() {  # DIR CASE
  local f=${PEER}_$1_${2//-/_}
  declare -F "$f" > /dev/null || na "no $2 support in this peer's programs (GnuTLS cells cover it)"
  "$f"
}

client_case() {
  local c=$1 start=${PEER}_srv_start stop=${PEER}_srv_stop
  S_CERT=ec256 S_SUITE='' S_GROUPS='' S_ALPN='' S_ALPN_FATAL='' S_CLIENT_AUTH='' S_SNI='' S_KEYLOG='' S_BULK='' S_NACCEPT=1
  S_RESUME='' S_EARLY='' S_PHA=''
  case $c in
    # Resumption, 0-RTT and post-handshake authentication need each peer's own commands.
    resumption|early-data|post-handshake-auth|external-psk|exporter) "${PEER}_client_${c//-/_}" ;;
    async-sign) na "qtls server only (--async-sign); the client's deferred steps are tested in memory" ;;
    rpk|record-size-limit) peer_specific_case client "$c" ;;
    suite:*)
      S_SUITE=${c#suite:}; $start; qclient c; $stop; client_ok c
      expect suite "$Q_SUITE" "$S_SUITE"; expect_peer suite "$F_SUITE" "$S_SUITE"; pass ;;
    group:*)
      S_GROUPS=${c#group:}; $start; qclient c --key-share "$S_GROUPS"; $stop; client_ok c
      expect group "$Q_GROUP" "$S_GROUPS"; expect hrr "$Q_HRR" no; expect_peer group "$F_GROUP" "$S_GROUPS"; pass ;;
    hrr)
      S_GROUPS=P-256; $start; qclient c --key-share X25519; $stop; client_ok c
      expect hrr "$Q_HRR" yes; expect group "$Q_GROUP" P-256; expect_peer group "$F_GROUP" P-256
      pass "server P-256 only, qtls shares X25519" ;;
    cert:*)
      S_CERT=$(cert_file "${c#cert:}"); $start; qclient c; $stop; client_ok c
      expect sig "$Q_SIG" "$(cert_sig "$S_CERT")"; expect peer "$Q_PEER" "CN=$S_CERT"; pass ;;
    alpn)
      S_ALPN=http/1.1; $start; qclient c --alpn h2,http/1.1; $stop; client_ok c
      expect alpn "$Q_ALPN" http/1.1; expect_peer alpn "$F_ALPN" http/1.1; pass "qtls offers h2,http/1.1" ;;
    sni)
      S_SNI=1 S_NACCEPT=2; $start; qclient c; QNAME=other.example qclient c2; $stop; client_ok c
      expect peer "$Q_PEER" "CN=$SNI_CN"; expect_peer sni "$F_SNI" localhost
      client_rejected c2 unrecognized_name
      pass "localhost -> CN=$SNI_CN; other.example -> unrecognized_name" ;;
    client-auth)
      S_CLIENT_AUTH=1 S_NACCEPT=2; $start
      qclient c --cert "$PKI/client.pem" --key "$PKI/client.key"; qclient c2; $stop
      client_ok c; expect peer "$Q_PEER" CN=$S_CERT
      expect_peer peercert "$F_PEERCERT" CN=client
      client_rejected c2 "$NOCERT_ALERT"
      pass "with cert accepted; without: $NOCERT_ALERT" ;;
    key-update)
      $start; qclient c --key-update; $stop; client_ok c
      grep -q 'sent KeyUpdate (update_requested)' c.err || fail "qtls did not report sending KeyUpdate"
      if [[ " $FACTS " == *" ku "* ]]; then
        [ "$F_KU" -ge 2 ] || fail "peer log shows $F_KU KeyUpdate messages, expected ours and its answer"
        pass "peer received ours and answered"
      fi
      pass "data after KeyUpdate (peer does not log KeyUpdates)" ;;
    transfer-4MB)
      S_BULK=1; $start
      if [ -n "${BULK_HOLD:-}" ]; then   # the server sends the bulk: keep stdin open until it arrived
        logcmd "(cat $BULK_IN; wait for $BULK_HOLD bytes) | qtls client ..."
        { cat "$BULK_IN"; timeout 60 sh -c 'until [ "$(stat -c %s "$1" 2>/dev/null || echo 0)" -ge "$2" ]; do sleep 0.05; done' _ bulk.out "$BULK_HOLD"; } |
          timeout 90 "$QTLS" client "127.0.0.1:$PORT" --CAfile "$PKI/ca.pem" --servername localhost -v > bulk.out 2> bulk.err
        Q_RC=$?
      else
        logcmd timeout 90 "$QTLS" client "127.0.0.1:$PORT" --CAfile "$PKI/ca.pem" --servername localhost -v "<" "$BULK_IN"
        timeout 90 "$QTLS" client "127.0.0.1:$PORT" --CAfile "$PKI/ca.pem" --servername localhost -v < "$BULK_IN" > bulk.out 2> bulk.err
        Q_RC=$?
      fi
      $stop
      [ "$Q_RC" = 0 ] || fail "qtls client exit $Q_RC: $(grep -m1 '^qtls client' bulk.err)"
      "${PEER}_bulk_check" bulk.out
      pass "$(stat -c %s bulk.out) bytes received and compared" ;;
    close-notify)
      $start; QIN=$CLOSE_IN qclient c; $stop; client_ok c
      grep -q 'peer closed the connection (close_notify)' c.err || fail "qtls saw no close_notify: $(tail -1 c.err)"
      ! grep -qiE 'unexpected|truncat' c.err || fail "qtls: $(grep -m1 -iE 'unexpected|truncat' c.err)"
      expect_peer clean "$F_CLEAN" yes; pass ;;
    keylog)
      S_KEYLOG=$W/peer.keys; $start; qclient c --keylogfile "$W/qtls.keys"; $stop; client_ok c
      local why; why=$(keylog_compare qtls.keys peer.keys) || fail "$why"
      pass "4 traffic secrets equal" ;;
    neg:wrong-host|neg:untrusted-ca|neg:expired)
      case $c in neg:wrong-host) S_CERT=wronghost a=bad_certificate;; neg:untrusted-ca) S_CERT=untrusted a=unknown_ca;;
        neg:expired) S_CERT=expired a=certificate_expired;; esac
      $start; qclient c; srv_wait_fail; $stop; client_rejected c "$a"; peer_failed; pass "alert $a" ;;
    neg:no-common-group)
      S_GROUPS=P-384; $start; qclient c --groups X25519; srv_wait_fail; $stop
      client_rejected c handshake_failure; peer_failed; pass "alert handshake_failure from the peer" ;;
    neg:no-common-suite)
      S_SUITE=TLS_AES_256_GCM_SHA384; $start; qclient c --ciphersuites TLS_AES_128_GCM_SHA256; srv_wait_fail; $stop
      client_rejected c handshake_failure; peer_failed; pass "alert handshake_failure from the peer" ;;
    neg:no-common-alpn)
      S_ALPN=http/1.1 S_ALPN_FATAL=1; $start; qclient c --alpn h2; srv_wait_fail; $stop
      client_rejected c no_application_protocol; peer_failed; pass "alert no_application_protocol from the peer" ;;
    *) fail "unknown case $c" ;;
  esac
}

# ---- the peer's client against the qtls server ----
qserver() {  # ARGS...: qtls server in the background (--naccept $NACC, default 1)
  local a=(server --naccept "${NACC:-1}" -v "$@")
  logcmd timeout 120 "$QTLS" "${a[@]}"
  timeout 120 "$QTLS" "${a[@]}" > qs.out 2> qs.err & SPID=$!; BG+=("$SPID")
  wait_for qs.out '^ACCEPT' "$SPID" || fail "qtls server did not start: $(head -2 qs.err)"
  PORT=$(port_of qs.out)
}
qserver_done() { wait_exit "$SPID" 30; QS_RC=$?; parse_q qs.err accepted "${1:-1}"; }
server_clean() {  # the qtls server exited 0 after a clean close
  [ "$QS_RC" = 0 ] || fail "qtls server exit $QS_RC: $(grep -m1 '^qtls server' qs.err)"
  ! grep -q '^qtls server' qs.err || fail "$(grep -m1 '^qtls server' qs.err)"
  grep -q '^qtls: connection closed' qs.err || fail "qtls server did not close the connection"
}
server_ok() {  # NAME
  [ "$P_RC" = 0 ] || fail "peer client failed: $F_FAIL"
  grep -q '^olleh' "$1.out" || fail "no answer from qtls in $1.out"
  [ -n "$Q_LINE" ] || fail "qtls server printed no summary: $(grep -m1 '^qtls server' qs.err)"
}
# Post-handshake authentication towards the qtls server (RFC 8446 §4.6.2): qtls asks after the first
# data, --rev's CLOSE waits for the answer; the server reports the verified chain.
PHA_SERVER_ARGS=(--rev --request-cert-after-handshake)
expect_server_pha() {
  grep -q '^qtls: post-handshake auth: peer="CN=client"' qs.err ||
    fail "qtls server: no post-handshake authentication: $(grep -m1 -E '^qtls server|post-handshake' qs.err)"
}
server_rejected() {  # ALERT: qtls reports it (sent or received), the peer failed too
  grep -qE "^qtls server: .*alert $1( |\)|$)" qs.err ||
    fail "expected alert $1 in qtls server's output, got: $(grep -m1 '^qtls server' qs.err)"
  peer_failed
}
DEFCERT=()
server_case() {
  local c=$1 cli=${PEER}_cli
  DEFCERT=(--cert "$PKI/ec256.pem" --key "$PKI/ec256.key")
  C_NAME=localhost C_SUITE='' C_GROUPS='' C_ALPN='' C_CERT='' C_KEYLOG='' C_PHA=''
  case $c in
    resumption|early-data|post-handshake-auth|external-psk|exporter) "${PEER}_server_${c//-/_}" ;;
    suite:*)
      C_SUITE=${c#suite:}; qserver "${DEFCERT[@]}" --rev; $cli c; qserver_done; server_ok c
      expect suite "$Q_SUITE" "$C_SUITE"; expect_peer suite "$F_SUITE" "$C_SUITE"; pass ;;
    group:*)
      C_GROUPS=${c#group:}; qserver "${DEFCERT[@]}" --rev; $cli c; qserver_done; server_ok c
      expect group "$Q_GROUP" "$C_GROUPS"; expect hrr "$Q_HRR" no; expect_peer group "$F_GROUP" "$C_GROUPS"; pass ;;
    hrr)
      C_GROUPS=X25519,P-256; qserver "${DEFCERT[@]}" --rev --groups P-256; $cli c; qserver_done; server_ok c
      expect hrr "$Q_HRR" yes; expect group "$Q_GROUP" P-256; expect_peer group "$F_GROUP" P-256
      pass "peer shares X25519, qtls allows P-256 only" ;;
    cert:*)
      local f; f=$(cert_file "${c#cert:}")
      qserver --cert "$PKI/$f.pem" --key "$PKI/$f.key" --rev; $cli c; qserver_done; server_ok c
      expect sig "$Q_SIG" "$(cert_sig "$f")"; expect_peer peercert "$F_PEERCERT" "CN=$f"
      expect_peer sig "$F_SIG" "$("${PEER}_signame" "$(cert_sig "$f")")"; pass ;;
    alpn)
      C_ALPN=h2,http/1.1; qserver "${DEFCERT[@]}" --rev --alpn http/1.1; $cli c; qserver_done; server_ok c
      expect alpn "$Q_ALPN" http/1.1; expect_peer alpn "$F_ALPN" http/1.1; pass "peer offers h2,http/1.1" ;;
    sni)
      qserver "${DEFCERT[@]}" --rev --sni-cert "localhost=$PKI/snirsa.pem,$PKI/snirsa.key"; $cli c; qserver_done; server_ok c
      expect sni "$Q_SNI" localhost; expect sig "$Q_SIG" rsa_pss_rsae_sha256; expect_peer peercert "$F_PEERCERT" CN=snirsa
      pass "qtls served the SNI certificate (CN=snirsa)" ;;
    client-auth)
      NACC=2 qserver "${DEFCERT[@]}" --rev --verify-client --CAfile "$PKI/ca.pem"
      C_CERT=1 $cli c; local rc1=$P_RC
      C_CERT='' $cli c2
      qserver_done
      P_RC=$rc1; server_ok c; expect peer "$Q_PEER" CN=client
      server_rejected certificate_required
      pass "with cert: peer=CN=client; without: certificate_required" ;;
    key-update)   "${PEER}_ku" ;;
    rpk|record-size-limit) peer_specific_case server "$c" ;;
    async-sign)   # qtls/async.h: CertificateVerify signed through OperationPending / resume
      qserver "${DEFCERT[@]}" --rev --async-sign; $cli c; qserver_done; server_ok c
      grep -q '^qtls: answered an asynchronous signature request' qs.err || fail "qtls server asked for no signature"
      expect sig "$Q_SIG" ecdsa_secp256r1_sha256; pass "CertificateVerify signed after the server loop answered" ;;
    transfer-4MB) "${PEER}_bulk" ;;
    close-notify) "${PEER}_close" ;;
    keylog)
      C_KEYLOG=$W/peer.keys; qserver "${DEFCERT[@]}" --rev --keylogfile "$W/qtls.keys"; $cli c; qserver_done; server_ok c
      local why; why=$(keylog_compare qtls.keys peer.keys) || fail "$why"
      pass "4 traffic secrets equal" ;;
    neg:wrong-host|neg:untrusted-ca|neg:expired)
      local f a
      case $c in neg:wrong-host) f=wronghost a=bad_certificate;; neg:untrusted-ca) f=untrusted a=unknown_ca;;
        neg:expired) f=expired a=certificate_expired;; esac
      [ "$PEER" = gnutls ] && a=bad_certificate   # gnutls-cli sends bad_certificate for every verification failure
      qserver --cert "$PKI/$f.pem" --key "$PKI/$f.key" --rev; $cli c; qserver_done
      if [ "$PEER" = curl ] && [ "$c" = neg:wrong-host ]; then
        peer_failed; grep -q '^curl: (60)' c.log || fail "curl: expected error 60, got $F_FAIL"
        grep -q '(OUT), TLS alert, close notify' c.log || fail "curl did not close with close_notify"
        pass "curl: error 60 after the handshake, then close_notify (curl sends no alert)"
      fi
      server_rejected "$a"; pass "peer sent $a" ;;
    neg:no-common-group)
      C_GROUPS=P-384; qserver "${DEFCERT[@]}" --rev --groups X25519; $cli c; qserver_done
      server_rejected handshake_failure; pass "qtls sent handshake_failure" ;;
    neg:no-common-suite)
      C_SUITE=TLS_CHACHA20_POLY1305_SHA256; qserver "${DEFCERT[@]}" --rev --ciphersuites TLS_AES_128_GCM_SHA256; $cli c; qserver_done
      server_rejected handshake_failure; pass "qtls sent handshake_failure" ;;
    neg:no-common-alpn)
      C_ALPN=http/1.1; qserver "${DEFCERT[@]}" --rev --alpn h2; $cli c; qserver_done
      server_rejected no_application_protocol; pass "qtls sent no_application_protocol" ;;
    *) fail "unknown case $c" ;;
  esac
}

run_one_cell() {  # KEY (in $W): the body of a cell process
  local key=$1 reason
  PEER=${key%%:*}; local rest=${key#*:}; local dir=${rest%%:*} c=${rest#*:}
  cd "$W" || exit 1
  FACTS='' F_SUITE='' F_GROUP='' F_ALPN='' F_SNI='' F_PEERCERT='' F_SIG='' F_KU=0 F_FAIL='' F_CLEAN=''
  trap cell_cleanup EXIT; trap 'exit 143' TERM INT
  reason=$("${PEER}_na" "$dir" "$c")
  [ -n "$reason" ] && na "$reason"
  if [ "$dir" = client ]; then client_case "$c"; else server_case "$c"; fi
  fail "cell ended without a verdict"
}

# ======================================================================================
# Driver
# ======================================================================================
if [ "${1:-}" = --cell ]; then   # internal: tcp_matrix.sh --cell KEY DIR (environment from the driver)
  W=$2/$3; shift 3
  run_one_cell "$(cat "$W/key")"
fi

QTLS=${QTLS:-} FILTER='' LIST=0 JOBS=2 KEEP=0
while [ $# -gt 0 ]; do
  case $1 in
    --qtls) QTLS=$2; shift 2 ;;
    --filter) FILTER=$2; shift 2 ;;
    --list) LIST=1; shift ;;
    --jobs) JOBS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; echo "tcp_matrix: unknown option '$1'" >&2; exit 2 ;;
  esac
done
if [ -z "$QTLS" ]; then
  for QTLS in "$HERE/../../../build/qtls" ""; do [ -x "$QTLS" ] && break; done
fi
[ -n "$QTLS" ] && [ -x "$QTLS" ] || { echo "tcp_matrix: no qtls program: pass --qtls PATH (target qtls-cli)" >&2; exit 2; }
QTLS=$(readlink -f "$QTLS")

dir_label() { [ "$1" = client ] && echo 'qtls→peer' || echo 'peer→qtls'; }
KEYS=() NAS=()
for p in "${PEERS[@]}"; do
  for d in client server; do
    whole=$("${p}_na" "$d" '*')
    if [ -n "$whole" ]; then
      k="$p:$d:*"; [[ $k =~ $FILTER ]] && { KEYS+=("$k"); NAS+=("$whole"); }
      continue
    fi
    for c in "${CASES[@]}"; do
      k="$p:$d:$c"; [[ $k =~ $FILTER ]] || continue
      KEYS+=("$k"); NAS+=("$("${p}_na" "$d" "$c")")
    done
  done
done
[ ${#KEYS[@]} -gt 0 ] || { echo "tcp_matrix: no cell matches '$FILTER'" >&2; exit 2; }
if [ $LIST = 1 ]; then
  for i in "${!KEYS[@]}"; do printf '%s%s\n' "${KEYS[$i]}" "${NAS[$i]:+   (N/A: ${NAS[$i]})}"; done
  exit 0
fi

# Peers that will really run: their programs must exist (fail, never skip).
declare -A NEED=()
for i in "${!KEYS[@]}"; do [ -z "${NAS[$i]}" ] && NEED[${KEYS[$i]%%:*}]=1; done
missing=0
need_bin openssl openssl || missing=1        # the PKI is made with the openssl CLI
need_bin python3 python3 || missing=1        # helpers
for p in "${!NEED[@]}"; do "${p}_check" || missing=1; done
[ $missing = 0 ] || { echo "tcp_matrix: FAILED: peer programs missing (see above)" >&2; exit 1; }
PYTHON=$(python3 -c 'import sys; print(sys.executable)') || { echo "tcp_matrix: python3 does not run" >&2; exit 1; }

T0=$(date +%s)
RUN=$(mktemp -d "${TMPDIR:-/tmp}/qtls-tcp-interop.XXXXXX")
PKI=$RUN/pki NSSDB=$RUN/nssdb NSSDB_CA=$RUN/nssdb-ca
echo "tcp_matrix: qtls=$QTLS  work=$RUN  cells=${#KEYS[@]}  jobs=$JOBS" >&2
make_pki "$PKI" || exit 1
if [ -n "${NEED[nss]:-}" ]; then make_nssdb "$NSSDB" "$PKI" && make_nssdb "$NSSDB_CA" "$PKI" ca-only || exit 1; fi
PAYLOAD_LINELEN=1024; PAYLOAD_LINES=$((4 * 1024 * 1024 / PAYLOAD_LINELEN))
PAYLOAD=$RUN/payload.txt PAYLOAD_REQ=$RUN/payload-close.txt PAYLOAD_REV=$RUN/payload-rev.txt PAYLOAD_BIN=$RUN/payload.bin
PROBE_REQ=$RUN/probe.txt
make_lines "$PAYLOAD" $((4 * 1024 * 1024)) $PAYLOAD_LINELEN
{ cat "$PAYLOAD"; echo CLOSE; } > "$PAYLOAD_REQ"
rev_lines "$PAYLOAD" "$PAYLOAD_REV"
head -c $((4 * 1024 * 1024)) /dev/urandom > "$PAYLOAD_BIN"
printf 'hello\nCLOSE\n' > "$PROBE_REQ"
export PYTHON QTLS PKI NSSDB NSSDB_CA PAYLOAD PAYLOAD_REQ PAYLOAD_REV PAYLOAD_BIN PAYLOAD_LINES PAYLOAD_LINELEN PROBE_REQ HERE

mkdir -p "$RUN/cells"
CELLDIRS=()
for i in "${!KEYS[@]}"; do
  d=$(printf '%03d-%s' "$i" "${KEYS[$i]//[^A-Za-z0-9._-]/_}")
  mkdir -p "$RUN/cells/$d"; printf '%s\n' "${KEYS[$i]}" > "$RUN/cells/$d/key"; CELLDIRS+=("$d")
  if [ -n "${NAS[$i]}" ]; then printf 'N/A: %s\n' "${NAS[$i]}" > "$RUN/cells/$d/result"; continue; fi
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  ( s=$EPOCHREALTIME
    timeout -k 5 $CELL_TIMEOUT "$HERE/tcp_matrix.sh" --cell "$RUN/cells" "$d" > "$RUN/cells/$d/cell.log" 2>&1
    us=$(( ${EPOCHREALTIME/./} - ${s/./} )); printf '%d.%d\n' $((us / 1000000)) $((us % 1000000 / 100000)) > "$RUN/cells/$d/secs" ) &
done
wait

# ---- the table ----
w1=4 w2=4
for k in "${KEYS[@]}"; do p=${k%%:*} r=${k#*:} c=${r#*:}; [ ${#p} -gt $w1 ] && w1=${#p}; [ ${#c} -gt $w2 ] && w2=${#c}; done
nfail=0 npass=0 nna=0
printf '%-*s | %-*s | %-9s | %s\n' $w1 peer $w2 case direction result
printf '%s-|-%s-|-%s-|-%s\n' "$(printf '%*s' $w1 '' | tr ' ' -)" "$(printf '%*s' $w2 '' | tr ' ' -)" --------- ------
FAILED=()
for i in "${!KEYS[@]}"; do
  k=${KEYS[$i]} p=${k%%:*} r=${k#*:}; dr=${r%%:*} c=${r#*:}
  f=$RUN/cells/${CELLDIRS[$i]}
  res=$(head -1 "$f/result" 2>/dev/null); [ -n "$res" ] || res="FAIL: no verdict (timed out after ${CELL_TIMEOUT}s or crashed, see cell.log)"
  case $res in PASS*) npass=$((npass + 1));; N/A*) nna=$((nna + 1));; *) nfail=$((nfail + 1)); FAILED+=("$k|$f");; esac
  [ "$c" = '*' ] && c='(all cases)'
  secs=$(cat "$f/secs" 2>/dev/null || true)
  printf '%-*s | %-*s | %s | %s%s\n' $w1 "$p" $w2 "$c" "$(dir_label "$dr")" "$res" "${secs:+  [${secs}s]}"
done
echo
echo "tcp_matrix: $npass passed, $nfail failed, $nna not applicable; $(( $(date +%s) - T0 ))s"
if [ $nfail -gt 0 ]; then
  echo "failed cells (logs and the exact commands in commands.txt):"
  for x in "${FAILED[@]}"; do echo "  ${x%%|*}: ${x#*|}"; done
  echo "work directory kept: $RUN"
  exit 1
fi
if [ $KEEP = 1 ]; then echo "work directory kept: $RUN"; else rm -rf "$RUN"; fi
exit 0
