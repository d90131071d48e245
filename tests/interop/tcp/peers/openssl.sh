# shellcheck shell=bash
# OpenSSL s_server / s_client adapter (peers.md section 2).
openssl_check() { need_bin openssl openssl; }
openssl_na() { :; }   # both directions, every case

ossl_group() { case $1 in X25519) echo X25519;; P-256) echo P-256;; P-384) echo P-384;; esac; }
ossl_groups() { local g out=(); for g in ${1//,/ }; do out+=("$(ossl_group "$g")"); done; local IFS=:; echo "${out[*]}"; }

# ---- s_server (qtls client connects) ----
openssl_srv_start() {
  local args=(-accept 127.0.0.1:0 -naccept "$S_NACCEPT" -tls1_3 -rev -cert "$PKI/$S_CERT.pem" -key "$PKI/$S_CERT.key")
  [ -n "$S_BULK" ] || args+=(-trace)          # trace decodes the ServerHello group, KeyUpdates, alerts
  [ -n "$S_SUITE" ] && args+=(-ciphersuites "$S_SUITE")
  [ -n "$S_GROUPS" ] && args+=(-groups "$(ossl_groups "$S_GROUPS")")
  [ -n "$S_ALPN" ] && args+=(-alpn "$S_ALPN")  # s_server always answers no overlap with alert 120
  [ -n "$S_CLIENT_AUTH" ] && args+=(-Verify 1 -CAfile "$PKI/ca.pem" -verify_return_error)
  [ -n "$S_SNI" ] && args+=(-servername localhost -cert2 "$PKI/snirsa.pem" -key2 "$PKI/snirsa.key" -servername_fatal)
  [ -n "$S_KEYLOG" ] && args+=(-keylogfile "$S_KEYLOG")
  bg_start srv.log timeout 60 openssl s_server "${args[@]}"; SPID=$BG_PID
  wait_for srv.log '^ACCEPT' "$SPID" || fail "s_server did not start: $(tail -2 srv.log)"
  PORT=$(port_of srv.log)
  printf 'hello\nCLOSE\n' > probe.in; PROBE_IN=probe.in; PROBE_RE='^olleh$'
  printf 'hello\n' > close.in; CLOSE_IN=close.in          # qtls sends close_notify first
  SRV_FAIL_RE='CONNECTION FAILURE|:error:'
  SNI_CN=snirsa; NOCERT_ALERT=certificate_required
  BULK_IN=$PAYLOAD_REQ
}
openssl_srv_stop() {
  wait_exit "$SPID" 20 || true                  # -naccept N: exits by itself
  FACTS="suite group alpn sni peercert ku clean"
  F_SUITE='' F_GROUP='' F_ALPN='' F_SNI='' F_PEERCERT='' F_KU=0 F_FAIL='' F_CLEAN=no
  read_facts srv.log '
    /^Ciphersuite: /                 { out("F_SUITE", substr($0, 14)) }
    /ServerHello, Length/            { f = 1 }
    /EncryptedExtensions, Length|ClientHello, Length/ { f = 0 }
    f && /NamedGroup:/               { g = $0 }
    /^ALPN protocols selected: / && !a { a = 1; out("F_ALPN", substr($0, 26)) }
    /^Hostname in TLS extension: / && !h { h = 1; v = $0; gsub(/^[^"]*"|"$/, "", v); out("F_SNI", v) }
    /^Peer certificate: / && !p      { p = 1; v = substr($0, 19); gsub(/ /, "", v); out("F_PEERCERT", v) }
    /KeyUpdate/                      { ku++ }
    /CONNECTION FAILURE|:error:/ && !e { e = 1; out("F_FAIL", $0) }
    /CONNECTION CLOSED/              { c = 1 }
    /[Uu]nexpected [Ee][Oo][Ff]|:error:/ { bad = 1 }
    END { if (g != "") out("F_GROUP", group(g)); out("F_KU", ku + 0); out("F_CLEAN", c && !bad ? "yes" : "no") }'
  return 0
}
openssl_bulk_check() {  # what qtls received for BULK_IN: every line reversed
  cmp -s "$1" "$PAYLOAD_REV" || fail "4 MB reply differs ($(stat -c %s "$1") bytes received)"
}

# ---- s_client (against qtls server on $PORT) ----
ossl_cli_args() {
  CARGS=(-connect "127.0.0.1:$PORT" -servername "$C_NAME" -tls1_3 -CAfile "$PKI/ca.pem"
    -verify_hostname "$C_NAME" -verify_return_error)
  [ -n "$C_SUITE" ] && CARGS+=(-ciphersuites "$C_SUITE")
  [ -n "$C_GROUPS" ] && CARGS+=(-groups "$(ossl_groups "$C_GROUPS")")   # key share: the first only
  [ -n "$C_ALPN" ] && CARGS+=(-alpn "$C_ALPN")
  [ -n "$C_CERT" ] && CARGS+=(-cert "$PKI/client.pem" -key "$PKI/client.key")
  [ -n "$C_KEYLOG" ] && CARGS+=(-keylogfile "$C_KEYLOG")
  return 0
}
openssl_cli() {  # NAME: one probe connection ("hello\nCLOSE\n" to qtls --rev)
  local n=$1; ossl_cli_args
  logcmd timeout 20 openssl s_client "${CARGS[@]}" -ign_eof "<" "$PROBE_REQ"
  timeout 20 openssl s_client "${CARGS[@]}" -ign_eof < "$PROBE_REQ" > "$n.out" 2>&1; P_RC=$?
  FACTS="suite group alpn peercert sig"
  F_SUITE='' F_GROUP='' F_ALPN='' F_PEERCERT='' F_SIG='' F_FAIL='' F_CLEAN=no
  read_facts "$n.out" '
    /^New, TLSv1.3, Cipher is / && !s { s = 1; out("F_SUITE", substr($0, 25)) }
    /^Server Temp Key: / && !g       { g = 1; out("F_GROUP", group($0)) }
    /^ALPN protocol: / && !a         { a = 1; out("F_ALPN", substr($0, 16)) }
    /^subject=/ && !p                { p = 1; v = substr($0, 9); gsub(/ /, "", v); out("F_PEERCERT", v) }
    /^Peer signature type: / && !t   { t = 1; out("F_SIG", substr($0, 22)) }
    /:error:|Verification error|alert/ && !e { e = 1; out("F_ERR", $0) }
    /[Uu]nexpected [Ee][Oo][Ff]|:error:/ { bad = 1 }
    END { out("F_BAD", bad + 0) }'
  [ "$P_RC" = 0 ] || F_FAIL="${F_ERR:-} exit $P_RC"
  [ "$P_RC" = 0 ] && [ "$F_BAD" = 0 ] && F_CLEAN=yes
  return 0
}
openssl_signame() { case $1 in ecdsa_*) echo ECDSA;; rsa_pss_rsae_*) echo RSA-PSS;; ed25519) echo ed25519;; esac; }

openssl_bulk() {  # 4 MB line file through qtls --rev; s_client -quiet keeps stdout data only
  qserver --cert "$PKI/ec256.pem" --key "$PKI/ec256.key" --rev
  ossl_cli_args
  logcmd timeout 60 openssl s_client "${CARGS[@]}" -quiet "<" "$PAYLOAD_REQ"
  timeout 60 openssl s_client "${CARGS[@]}" -quiet < "$PAYLOAD_REQ" > bulk.out 2> bulk.log; P_RC=$?
  qserver_done
  [ "$P_RC" = 0 ] || fail "s_client exit $P_RC: $(grep -m1 error bulk.log)"
  cmp -s bulk.out "$PAYLOAD_REV" || fail "4 MB reply differs ($(stat -c %s bulk.out) bytes received)"
  server_clean
  pass "line file through qtls --rev, s_client -quiet"
}

openssl_ku() {  # s_client's interactive K / k (peers.md [os-cli-ku]), qtls server --rev
  qserver --cert "$PKI/ec256.pem" --key "$PKI/ec256.key" --rev
  C_NAME=localhost; ossl_cli_args
  mkfifo cli.in
  logcmd timeout 30 openssl s_client "${CARGS[@]}" -msg -msgfile cli.msg "<" cli.in
  BG_IN=cli.in bg_start cli.log timeout 30 openssl s_client "${CARGS[@]}" -msg -msgfile cli.msg; local CPID=$BG_PID
  exec 4> cli.in
  echo abc >&4; wait_for cli.log '^cba' "$CPID" || fail "no echo before KeyUpdate"
  echo K >&4;   wait_for cli.msg '>>> .*KeyUpdate' "$CPID" || fail "s_client did not send KeyUpdate"
  echo def >&4; wait_for cli.log '^fed' "$CPID" || fail "no echo after KeyUpdate(update_requested)"
  wait_for cli.msg '<<< .*KeyUpdate' "$CPID" || fail "qtls did not answer KeyUpdate(update_requested)"
  echo k >&4;   wait_for cli.msg '>>> .*KeyUpdate' "$CPID" 2 || fail "s_client did not send the 2nd KeyUpdate"
  echo ghi >&4; wait_for cli.log '^ihg' "$CPID" || fail "no echo after KeyUpdate(update_not_requested)"
  exec 4>&-
  wait_exit "$CPID" 15; P_RC=$?
  qserver_done
  [ "$(grep -c '<<< .*KeyUpdate' cli.msg)" = 1 ] || fail "qtls answered update_not_requested (or not at all)"
  [ "$P_RC" = 0 ] || fail "s_client exit $P_RC"
  server_clean
  pass "s_client K then k; qtls answered only the requested one"
}

openssl_close() {  # s_client sends close_notify at stdin EOF (no -ign_eof); qtls closes cleanly
  qserver --cert "$PKI/ec256.pem" --key "$PKI/ec256.key" --rev
  C_NAME=localhost; ossl_cli_args
  mkfifo cli.in
  logcmd timeout 30 openssl s_client "${CARGS[@]}" -msg -msgfile cli.msg "<" cli.in
  BG_IN=cli.in bg_start cli.log timeout 30 openssl s_client "${CARGS[@]}" -msg -msgfile cli.msg; local CPID=$BG_PID
  exec 4> cli.in
  echo hello >&4; wait_for cli.log '^olleh' "$CPID" || fail "no reply"
  exec 4>&-
  wait_exit "$CPID" 15; P_RC=$?
  qserver_done
  [ "$P_RC" = 0 ] || fail "s_client exit $P_RC"
  grep -q '>>> .*close_notify' cli.msg || fail "s_client sent no close_notify"
  ! grep -qiE 'unexpected eof|:error:' cli.log || fail "s_client: $(grep -m1 -iE 'unexpected eof|:error:' cli.log)"
  server_clean
  grep -q '<<< .*close_notify' cli.msg && note_="qtls answered with close_notify" || note_="qtls closed after the client's close_notify"
  pass "s_client closes; $note_"
}

# ---- resumption, 0-RTT, post-handshake auth: qtls client -> s_server ----
openssl_client_resumption() {  # s_server -rev; qtls --reconnect resumes with the ticket of the first connection
  S_NACCEPT=2; openssl_srv_start; qclient c --reconnect; openssl_srv_stop
  expect_resumed c
  grep -qE '^ *[1-9][0-9]* session cache hits' srv.log || fail "s_server counted no session cache hit"
  pass "second connection resumed (s_server: session cache hit)"
}
openssl_client_early_data() {  # peers.md [os-srv-0rtt]: -early_data needs the default mode, stdin a FIFO
  mkfifo srv.in; printf 'early hello\n' > early.txt; printf 'after\n' > after.in
  BG_IN=srv.in bg_start srv.log timeout 60 openssl s_server -accept 127.0.0.1:0 -naccept 2 -tls1_3 -early_data \
    -cert "$PKI/ec256.pem" -key "$PKI/ec256.key"; SPID=$BG_PID
  exec 3> srv.in
  wait_for srv.log '^ACCEPT' "$SPID" || fail "s_server did not start: $(tail -2 srv.log)"
  PORT=$(port_of srv.log); PROBE_RE='.'   # s_server prints what it gets, answers nothing
  QIN=after.in qclient c --reconnect --early-data early.txt
  wait_for srv.log '^after$' "$SPID" 1 5 || true
  exec 3>&-; wait_exit "$SPID" 20
  Q_RC=$(cat c.rc); [ "$Q_RC" = 0 ] || fail "qtls client exit $Q_RC: $(grep -m1 '^qtls client' c.err)"
  expect resumed "$Q_RESUMED" yes; expect early-data "$Q_EARLY" accepted
  grep -q '^Reused session-id' srv.log || fail "s_server did not resume the session"
  grep -q '^Early data received:' srv.log && grep -q '^End of early data' srv.log || fail "s_server read no early data"
  grep -qx 'early hello' srv.log || fail "s_server did not print the early data"
  grep -qx 'after' srv.log || fail "data after the handshake did not arrive"
  pass "s_server: Early data received, 'early hello' delivered, Reused session-id"
}
openssl_client_post_handshake_auth() {  # s_server's interactive "c" sends a CertificateRequest after the handshake
  mkfifo srv.in
  BG_IN=srv.in bg_start srv.log timeout 60 openssl s_server -accept 127.0.0.1:0 -naccept 1 -tls1_3 \
    -cert "$PKI/ec256.pem" -key "$PKI/ec256.key" -CAfile "$PKI/ca.pem" -verify_return_error -msg -msgfile srv.msg
  SPID=$BG_PID
  exec 3> srv.in
  wait_for srv.log '^ACCEPT' "$SPID" || fail "s_server did not start: $(tail -2 srv.log)"
  PORT=$(port_of srv.log)
  qclient_bg c --post-handshake-auth --cert "$PKI/client.pem" --key "$PKI/client.key"
  wait_for srv.log '^CIPHER is' "$SPID" || fail "no handshake: $(tail -2 srv.log)"
  echo c >&3
  wait_for c.err '^qtls: post-handshake auth: answered' "$CPID" || fail "qtls did not answer: $(tail -2 c.err)"
  echo after-pha >&4
  wait_for srv.log '^after-pha$' "$SPID" || fail "no data after the post-handshake authentication"
  qclient_bg_end c; exec 3>&-; wait_exit "$SPID" 20
  [ "$Q_RC" = 0 ] || fail "qtls client exit $Q_RC: $(grep -m1 '^qtls client' c.err)"
  grep -q '>>> .*CertificateRequest' srv.msg || fail "s_server sent no CertificateRequest"
  grep -q '<<< .*CertificateVerify' srv.msg || fail "s_server got no CertificateVerify"
  grep -q '^depth=0 CN = client' srv.log && ! grep -qE ':error:|verify error' srv.log ||
    fail "s_server did not verify CN=client: $(grep -m1 -E 'error|depth=0' srv.log)"
  pass "s_server 'c': CertificateRequest after the handshake, verified CN=client"
}

# ---- resumption, 0-RTT, post-handshake auth: s_client -> qtls server ----
openssl_server_resumption() {  # -sess_out, then -sess_in
  NACC=2 qserver "${DEFCERT[@]}" --rev; ossl_cli_args
  logcmd timeout 20 openssl s_client "${CARGS[@]}" -ign_eof -sess_out sess.pem "<" "$PROBE_REQ"
  timeout 20 openssl s_client "${CARGS[@]}" -ign_eof -sess_out sess.pem < "$PROBE_REQ" > c1.out 2>&1
  logcmd timeout 20 openssl s_client "${CARGS[@]}" -ign_eof -sess_in sess.pem "<" "$PROBE_REQ"
  timeout 20 openssl s_client "${CARGS[@]}" -ign_eof -sess_in sess.pem < "$PROBE_REQ" > c2.out 2>&1; P_RC=$?
  qserver_done 2
  [ "$P_RC" = 0 ] || fail "s_client exit $P_RC"
  grep -q '^olleh' c2.out || fail "no answer on the resumed connection"
  grep -q '^Reused, TLSv1.3' c2.out || fail "s_client did not resume: $(grep -m1 -E '^(New|Reused),' c2.out)"
  expect resumed "$Q_RESUMED" yes; server_clean
  pass "s_client: Reused, TLSv1.3"
}
openssl_server_early_data() {  # peers.md [os-cli-0rtt] against qtls --max-early-data
  printf 'early hello\n' > early.txt
  NACC=2 qserver "${DEFCERT[@]}" --rev --max-early-data 16384; ossl_cli_args
  timeout 20 openssl s_client "${CARGS[@]}" -ign_eof -sess_out sess.pem < "$PROBE_REQ" > c1.out 2>&1
  logcmd timeout 20 openssl s_client "${CARGS[@]}" -ign_eof -sess_in sess.pem -early_data early.txt "<" "$PROBE_REQ"
  timeout 20 openssl s_client "${CARGS[@]}" -ign_eof -sess_in sess.pem -early_data early.txt < "$PROBE_REQ" > c2.out 2>&1
  P_RC=$?
  qserver_done 2
  [ "$P_RC" = 0 ] || fail "s_client exit $P_RC"
  grep -q '^Early data was accepted' c2.out || fail "s_client: $(grep -m1 '^Early data' c2.out)"
  grep -qx 'olleh ylrae' c2.out || fail "the early data was not answered"
  expect resumed "$Q_RESUMED" yes; expect early-data "$Q_EARLY" accepted; server_clean
  pass "s_client: Early data was accepted; qtls answered 'early hello'"
}
openssl_server_post_handshake_auth() {  # s_client -enable_pha answers qtls' CertificateRequest by itself
  qserver "${DEFCERT[@]}" "${PHA_SERVER_ARGS[@]}" --CAfile "$PKI/ca.pem"
  C_CERT=1; ossl_cli_args
  logcmd timeout 20 openssl s_client "${CARGS[@]}" -enable_pha -ign_eof -msg -msgfile cli.msg "<" "$PROBE_REQ"
  timeout 20 openssl s_client "${CARGS[@]}" -enable_pha -ign_eof -msg -msgfile cli.msg < "$PROBE_REQ" > c.out 2>&1
  P_RC=$?
  qserver_done
  [ "$P_RC" = 0 ] || fail "s_client exit $P_RC"
  grep -q '^olleh' c.out || fail "no answer from qtls"
  grep -q '<<< .*CertificateRequest' cli.msg && grep -q '>>> .*CertificateVerify' cli.msg ||
    fail "s_client saw no post-handshake CertificateRequest / sent no CertificateVerify"
  expect peer "$Q_PEER" none   # nothing during the handshake itself
  expect_server_pha; server_clean
  pass "s_client -enable_pha: Certificate after the handshake, qtls verified CN=client"
}

# ---- external PSK and exporter (RFC 8446 §2.2, §7.5) ----
openssl_client_external_psk() {  # s_server -nocert -psk: a PSK-only server; qtls has no trust store
  bg_start srv.log timeout 60 openssl s_server -accept 127.0.0.1:0 -naccept 1 -tls1_3 -rev -nocert \
    -psk "$PSK_HEX" -psk_identity "$PSK_ID"; SPID=$BG_PID
  wait_for srv.log '^ACCEPT' "$SPID" || fail "s_server did not start: $(tail -2 srv.log)"
  PORT=$(port_of srv.log)
  printf 'hello\nCLOSE\n' > probe.in; PROBE_IN=probe.in; PROBE_RE='^olleh$'
  qpsk_client c; wait_exit "$SPID" 20 || true
  client_ok c; expect_psk
  pass "s_server -nocert -psk; qtls with only the PSK"
}
openssl_server_external_psk() {  # a PSK-only qtls server (no --cert); s_client -psk
  qserver --psk "$PSK_HEX" --psk-identity "$PSK_ID" --rev
  local a=(-connect "127.0.0.1:$PORT" -tls1_3 -psk "$PSK_HEX" -psk_identity "$PSK_ID" -ign_eof)
  logcmd timeout 20 openssl s_client "${a[@]}" "<" "$PROBE_REQ"
  timeout 20 openssl s_client "${a[@]}" < "$PROBE_REQ" > c.out 2>&1; P_RC=$?
  qserver_done
  [ "$P_RC" = 0 ] || fail "s_client exit $P_RC: $(grep -m1 -E 'error|alert' c.out)"
  grep -q '^olleh' c.out || fail "no answer from qtls"
  grep -q 'TLSv1.3, Cipher is TLS_AES_128_GCM_SHA256' c.out || fail "s_client: $(grep -m1 -E '^(New|Reused),' c.out)"
  expect_psk; server_clean
  pass "PSK-only qtls server; s_client -psk -psk_identity"
}
openssl_client_exporter() {  # s_server (default mode, stdin a FIFO) -keymatexport vs qtls --export-keying-material
  mkfifo srv.in; printf 'hello\n' > probe.in
  BG_IN=srv.in bg_start srv.log timeout 60 openssl s_server -accept 127.0.0.1:0 -naccept 1 -tls1_3 \
    -cert "$PKI/ec256.pem" -key "$PKI/ec256.key" -keymatexport "$EXPORT_LABEL" -keymatexportlen "$EXPORT_LEN"
  SPID=$BG_PID
  exec 3> srv.in
  wait_for srv.log '^ACCEPT' "$SPID" || fail "s_server did not start: $(tail -2 srv.log)"
  PORT=$(port_of srv.log); PROBE_RE='.'   # s_server prints what it gets, answers nothing
  QIN=probe.in qclient c --export-keying-material "$EXPORT_LABEL:$EXPORT_LEN"
  wait_for srv.log '^hello$' "$SPID" 1 5 || true
  exec 3>&-; wait_exit "$SPID" 20
  Q_RC=$(cat c.rc); [ "$Q_RC" = 0 ] || fail "qtls client exit $Q_RC: $(grep -m1 '^qtls client' c.err)"
  local ours theirs
  ours=$(exported_q c.err); theirs=$(sed -n 's/^ *Keying material: *\([0-9A-F]*\)$/\1/p' srv.log | head -1)
  [ -n "$theirs" ] || fail "s_server printed no keying material"
  [ "$ours" = "$theirs" ] || fail "exporter differs: qtls ${ours:-<none>}, s_server $theirs"
  pass "$EXPORT_LEN bytes for $EXPORT_LABEL equal to s_server -keymatexport"
}
openssl_server_exporter() {  # s_client -keymatexport vs the qtls server's --export-keying-material
  qserver "${DEFCERT[@]}" --rev --export-keying-material "$EXPORT_LABEL:$EXPORT_LEN"; ossl_cli_args
  local a=(-keymatexport "$EXPORT_LABEL" -keymatexportlen "$EXPORT_LEN" -ign_eof)
  logcmd timeout 20 openssl s_client "${CARGS[@]}" "${a[@]}" "<" "$PROBE_REQ"
  timeout 20 openssl s_client "${CARGS[@]}" "${a[@]}" < "$PROBE_REQ" > c.out 2>&1; P_RC=$?
  qserver_done
  [ "$P_RC" = 0 ] || fail "s_client exit $P_RC"
  local ours theirs
  ours=$(exported_q qs.err); theirs=$(sed -n 's/^ *Keying material: *\([0-9A-F]*\)$/\1/p' c.out | head -1)
  [ -n "$theirs" ] || fail "s_client printed no keying material"
  [ "$ours" = "$theirs" ] || fail "exporter differs: qtls ${ours:-<none>}, s_client $theirs"
  server_clean
  pass "$EXPORT_LEN bytes for $EXPORT_LABEL equal to s_client -keymatexport"
}
