# shellcheck shell=bash
# NSS selfserv / tstclnt adapter (peers.md section 4). Credentials come from the NSS database
# built by make_nssdb (nicknames = PKI names; "localhost" = the SNI certificate snirsa).
nss_check() { need_bin selfserv libnss3-tools && need_bin tstclnt libnss3-tools &&
  need_bin certutil libnss3-tools && need_bin pk12util libnss3-tools; }
nss_na() {  # DIR CASE
  case $2 in
    cert:ed25519) echo "NSS 3.87 has no Ed25519 in TLS"; return;;
    keylog) echo "Debian's NSS is built without SSLKEYLOGFILE support (no key log written)"; return;;
    exporter) echo "tstclnt/selfserv cannot print exported keying material"; return;;
    external-psk) [ "$1" = client ] && { echo "selfserv -z answers qtls's PSK offer with a certificate handshake (tstclnt's is accepted; OpenSSL and GnuTLS servers accept qtls's): cause not found yet"; return; };;
  esac
  [ "$1" = server ] || return 0
  case $2 in
    key-update) echo "tstclnt cannot initiate a KeyUpdate (only answers one)";;
    alpn|neg:no-common-alpn) echo "tstclnt has no ALPN option";;
    early-data) echo "tstclnt -Z announces 0-RTT but sends no early data (peers.md 4b)";;
  esac
}
nss_suite() { case $1 in TLS_AES_128_GCM_SHA256) echo :1301;; TLS_AES_256_GCM_SHA384) echo :1302;; TLS_CHACHA20_POLY1305_SHA256) echo :1303;; esac; }
nss_groups() { local g out=(); for g in ${1//,/ }; do case $g in X25519) out+=(x25519);; P-256) out+=(P256);; P-384) out+=(P384);; esac; done
  local IFS=,; echo "${out[*]}"; }
# "SSL version 3.4 using 128-bit AES-GCM with 128-bit AEAD MAC", "... Key Exchange: 255-bit TLS 1.3"
NSS_FACTS='
  /SSL version 3.4 using / { v = $0; sub(/.* using /, "", v); sub(/ with .*/, "", v)
    s = v
    if (v ~ /CHACHA20/) s = "TLS_CHACHA20_POLY1305_SHA256"
    if (v ~ /^256-bit AES-GCM/) s = "TLS_AES_256_GCM_SHA384"
    if (v ~ /^128-bit AES-GCM/) s = "TLS_AES_128_GCM_SHA256" }
  /Key Exchange: [0-9]+-bit/ { v = $0; sub(/.*Key Exchange: /, "", v); sub(/-bit.*/, "", v)
    g = v; if (v == 255) g = "X25519"; if (v == 256) g = "P-256"; if (v == 384) g = "P-384" }
  /subject DN: CN=client/ { p = "CN=client" }
  tolower($0) ~ /error|failed/ && !e { e = 1; out("F_ERR", $0) }
  /exiting with return code 0/ { ok = 1 }
  END { out("F_SUITE", s); out("F_GROUP", g); out("F_PEERCERT", p); out("F_EXIT0", ok + 0) }'
nss_facts() { F_SUITE='' F_GROUP='' F_PEERCERT='' F_ERR='' F_EXIT0=0; read_facts "$1" "$NSS_FACTS"; }

# ---- selfserv (qtls client connects) ----
nss_srv_start() {
  local try args
  for try in 1 2; do
    PORT=$(free_port)
    # SNI: NSS keeps one certificate per key type and prefers ECDSA, so the default certificate
    # must be RSA like the "localhost" one for the SNI choice to show.
    local cert=$S_CERT; [ -n "$S_SNI" ] && cert=rsa2048
    args=(-d "sql:$NSSDB" -p "$PORT" -n "$cert" -V tls1.3:tls1.3 -v)
    [ -n "$S_SUITE" ] && args+=(-c "$(nss_suite "$S_SUITE")")
    [ -n "$S_GROUPS" ] && args+=(-I "$(nss_groups "$S_GROUPS")")
    [ -n "$S_ALPN" ] && args+=(-Q)                 # ALPN http/1.1 only; no overlap -> alert 120
    [ -n "$S_CLIENT_AUTH" ] && args+=(-r -r)
    [ -n "$S_SNI" ] && args+=(-a localhost)        # SNI localhost -> nickname "localhost" (snirsa); others: alert 112
    [ -n "$S_BULK" ] && args+=(-g 256)             # 256 x 16 KB of bytes 0..255 after the HTTP answer
    [ -n "$S_RESUME$S_EARLY" ] && args+=(-u)       # session tickets
    [ -n "$S_EARLY" ] && args+=(-Z)                # 0-RTT
    [ -n "$S_PHA" ] && args+=(-E -r -r -r -r)      # 4 x -r: require a certificate in a later exchange
    bg_start srv.log timeout 90 selfserv "${args[@]}"; SPID=$BG_PID
    wait_for srv.log 'About to call accept' "$SPID" && break
    grep -qiE 'bind|in use' srv.log && [ $try = 1 ] && continue
    fail "selfserv did not start: $(tail -2 srv.log)"
  done
  printf 'GET / HTTP/1.0\r\n\r\n' > probe.in; PROBE_IN=probe.in; PROBE_RE='^HTTP/1.0 200 OK'; CLOSE_IN=probe.in
  SRV_FAIL_RE='error|failed'
  SNI_CN=snirsa; NOCERT_ALERT=certificate_required
  BULK_IN=probe.in; BULK_HOLD=$((4 * 1024 * 1024))  # keep stdin open until this much has arrived
  return 0
}
nss_srv_stop() {
  kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
  FACTS="suite group peercert clean"
  nss_facts srv.log
  F_FAIL=$F_ERR; F_CLEAN=yes; [ -z "$F_ERR" ] || F_CLEAN=no
  return 0
}
nss_bulk_check() {  # HTTP answer + echoed request, then N x (bytes 0..255)
  "$PYTHON" - "$1" <<'PY' || fail "selfserv -g data differs or is short"
import sys
d = open(sys.argv[1], "rb").read()
i = d.index(b"\r\n\r\n"); i = d.index(b"\r\n\r\n", i + 4) + 4; b = d[i:]
sys.exit(0 if len(b) >= 4 << 20 and b == bytes(range(256)) * (len(b) // 256) else 1)
PY
}

# ---- tstclnt (against qtls server on $PORT) ----
nss_cli_args() {
  local db=$NSSDB_CA; [ -n "$C_CERT" ] && db=$NSSDB   # only one of them holds the client key
  CARGS=(-h "$C_NAME" -4 -p "$PORT" -d "sql:$db" -V tls1.3:tls1.3 -v)
  [ -n "$C_SUITE" ] && CARGS+=(-c "$(nss_suite "$C_SUITE")")
  [ -n "$C_GROUPS" ] && CARGS+=(-I "$(nss_groups "$C_GROUPS")")   # NSS shares the first group only
  [ -n "$C_CERT" ] && CARGS+=(-n client)
  return 0
}
nss_cli() {  # NAME: -A file (not a stdin pipe: tstclnt spins at pipe EOF)
  local n=$1; nss_cli_args
  logcmd timeout 20 tstclnt "${CARGS[@]}" -A "$PROBE_REQ"
  timeout 20 tstclnt "${CARGS[@]}" -A "$PROBE_REQ" > "$n.out" 2> "$n.log"; P_RC=$?
  FACTS="suite group"
  nss_facts "$n.log"
  F_FAIL=''; [ "$P_RC" = 0 ] || F_FAIL="$F_ERR exit $P_RC"
  F_CLEAN=no; [ "$P_RC" = 0 ] && [ "$F_EXIT0" = 1 ] && F_CLEAN=yes
  return 0
}
nss_bulk() {
  qserver --cert "$PKI/ec256.pem" --key "$PKI/ec256.key" --rev
  C_NAME=localhost; nss_cli_args
  logcmd timeout 60 tstclnt "${CARGS[@]}" -A "$PAYLOAD_REQ"
  timeout 60 tstclnt "${CARGS[@]}" -A "$PAYLOAD_REQ" > bulk.out 2> bulk.log; P_RC=$?
  qserver_done
  [ "$P_RC" = 0 ] || fail "tstclnt exit $P_RC"
  cmp -s bulk.out "$PAYLOAD_REV" || fail "4 MB reply differs ($(stat -c %s bulk.out) bytes received)"
  server_clean
  pass "line file through qtls --rev, tstclnt -A"
}
nss_close() {  # tstclnt -A: qtls closes after CLOSE with close_notify; tstclnt must exit 0
  qserver --cert "$PKI/ec256.pem" --key "$PKI/ec256.key" --rev
  C_NAME=localhost; nss_cli cl
  qserver_done
  [ "$P_RC" = 0 ] || fail "tstclnt exit $P_RC: $F_FAIL"
  grep -q '^olleh' cl.out || fail "no reply"
  server_clean
  pass "qtls closes (close_notify), tstclnt exits 0"
}

# ---- resumption, 0-RTT, post-handshake auth: qtls client -> selfserv ----
nss_client_resumption() {  # selfserv -u (tickets); qtls --reconnect
  S_RESUME=1; nss_srv_start; qclient c --reconnect; nss_srv_stop
  expect_resumed c
  grep -qE '^ *[1-9][0-9]* stateless resumes' srv.log || fail "selfserv counted no stateless resume"
  pass "selfserv: stateless resume"
}
nss_client_early_data() {  # selfserv -u -Z; the early data is the HTTP request itself
  S_EARLY=1; nss_srv_start
  # NSS's anti-replay window refuses every 0-RTT attempt during the first 10 s after the server
  # started (peers.md 4a): a protocol timer, not synchronisation, so this is the one timed wait.
  local started=$SECONDS
  logcmd "# waiting until selfserv has run 11 s (NSS anti-replay window)"
  sleep $(( 11 - (SECONDS - started) ))
  QIN=/dev/null qclient c --reconnect --early-data probe.in; nss_srv_stop
  # selfserv answers the 0-RTT request and closes before reading the client's EndOfEarlyData and
  # Finished, so the kernel resets the connection: s_client -early_data ends the same way
  # ("read:errno=104"). Accept exactly that ending, after the complete answer.
  local note=""
  if [ "$(cat c.rc)" != 0 ]; then
    grep -qE '^qtls client: .*(unexpected EOF|socket read failed)' c.err && grep -qE $'^EOF\r?$' c.out ||
      fail "qtls client: $(grep -m1 '^qtls client' c.err)"
    echo 0 > c.rc; note="; selfserv then reset the connection, as it does with s_client"
  fi
  expect_resumed c early
  grep -q '^GET / HTTP/1.0' c.out || fail "selfserv did not echo the request sent as early data"
  pass "selfserv answered the request sent as 0-RTT data$note"
}
nss_client_post_handshake_auth() {  # selfserv -E -r -r -r -r: a CertificateRequest once the request arrived
  S_PHA=1; nss_srv_start
  qclient c --post-handshake-auth --cert "$PKI/client.pem" --key "$PKI/client.key"; nss_srv_stop
  client_ok c
  grep -q '^qtls: post-handshake auth: answered a CertificateRequest with certificate "CN=client"' c.err ||
    fail "qtls answered no post-handshake CertificateRequest"
  expect peer "$Q_PEER" "CN=$S_CERT"
  pass "selfserv sent a CertificateRequest after the handshake, qtls answered with CN=client (selfserv closes without reading the answer)"
}

# ---- resumption, post-handshake auth: tstclnt -> qtls server ----
nss_server_resumption() {  # tstclnt -u -L 2: the second connection resumes
  NACC=2 qserver "${DEFCERT[@]}" --rev
  C_NAME=localhost; nss_cli_args
  logcmd timeout 20 tstclnt "${CARGS[@]}" -u -L 2 -A "$PROBE_REQ"
  timeout 20 tstclnt "${CARGS[@]}" -u -L 2 -A "$PROBE_REQ" > r.out 2> r.log; P_RC=$?
  qserver_done 2
  [ "$P_RC" = 0 ] || fail "tstclnt exit $P_RC"
  [ "$(grep -c '^olleh' r.out)" = 2 ] || fail "expected two answers in r.out"
  grep -q '^1 stateless resumes' r.log || fail "tstclnt did not resume"
  expect resumed "$Q_RESUMED" yes; server_clean
  pass "tstclnt -u -L 2: 1 stateless resumes"
}
nss_server_post_handshake_auth() {  # tstclnt -E answers qtls' CertificateRequest with -n client
  qserver "${DEFCERT[@]}" "${PHA_SERVER_ARGS[@]}" --CAfile "$PKI/ca.pem"
  C_NAME=localhost C_CERT=1; nss_cli_args
  logcmd timeout 20 tstclnt "${CARGS[@]}" -E -A "$PROBE_REQ"
  timeout 20 tstclnt "${CARGS[@]}" -E -A "$PROBE_REQ" > p.out 2> p.log; P_RC=$?
  qserver_done
  [ "$P_RC" = 0 ] || fail "tstclnt exit $P_RC"
  grep -q '^olleh' p.out || fail "no answer"
  expect peer "$Q_PEER" none; expect_server_pha; server_clean
  pass "tstclnt -E: Certificate after the handshake, qtls verified CN=client"
}

# ---- external PSK (RFC 8446 §2.2): -z 0xKEY:IDENTITY on both programs ----
nss_client_external_psk() {  # selfserv insists on a certificate; the PSK handshake sends none
  local try
  for try in 1 2; do
    PORT=$(free_port)
    bg_start srv.log timeout 90 selfserv -d "sql:$NSSDB" -p "$PORT" -n ec256 -V tls1.3:tls1.3 -v \
      -z "0x$PSK_HEX:$PSK_ID"; SPID=$BG_PID
    wait_for srv.log 'About to call accept' "$SPID" && break
    grep -qiE 'bind|in use' srv.log && [ $try = 1 ] && continue
    fail "selfserv did not start: $(tail -2 srv.log)"
  done
  printf 'GET / HTTP/1.0\r\n\r\n' > probe.in; PROBE_IN=probe.in; PROBE_RE='^HTTP/1.0 200 OK'
  qpsk_client c; nss_srv_stop
  client_ok c; expect_psk
  pass "selfserv -z; qtls with only the PSK"
}
nss_server_external_psk() {  # a PSK-only qtls server; tstclnt -z
  qserver --psk "$PSK_HEX" --psk-identity "$PSK_ID" --rev
  local a=(-h 127.0.0.1 -4 -p "$PORT" -d "sql:$NSSDB_CA" -V tls1.3:tls1.3 -v -z "0x$PSK_HEX:$PSK_ID")
  logcmd timeout 20 tstclnt "${a[@]}" -A "$PROBE_REQ"
  timeout 20 tstclnt "${a[@]}" -A "$PROBE_REQ" > c.out 2> c.log; P_RC=$?
  qserver_done
  [ "$P_RC" = 0 ] || fail "tstclnt exit $P_RC: $(grep -m1 -iE 'error|fail' c.log)"
  grep -q '^olleh' c.out || fail "no answer from qtls"
  expect_psk; server_clean
  pass "PSK-only qtls server; tstclnt -z"
}
