# shellcheck shell=bash
# GnuTLS gnutls-serv / gnutls-cli adapter (peers.md section 3).
gnutls_check() { need_bin gnutls-serv gnutls-bin && need_bin gnutls-cli gnutls-bin; }
gnutls_na() { :; }

gt_suite() { case $1 in TLS_AES_128_GCM_SHA256) echo AES-128-GCM;; TLS_AES_256_GCM_SHA384) echo AES-256-GCM;;
  TLS_CHACHA20_POLY1305_SHA256) echo CHACHA20-POLY1305;; esac; }
gt_group() { case $1 in X25519) echo GROUP-X25519;; P-256) echo GROUP-SECP256R1;; P-384) echo GROUP-SECP384R1;; esac; }
gt_prio() {  # SUITE GROUPS
  local p='NORMAL:-VERS-ALL:+VERS-TLS1.3' g
  [ -n "$1" ] && p+=":-CIPHER-ALL:+$(gt_suite "$1")"
  if [ -n "$2" ]; then p+=':-GROUP-ALL'; for g in ${2//,/ }; do p+=":+$(gt_group "$g")"; done; fi
  echo "$p"
}
# "- Description: (TLS1.3-X.509)-(ECDHE-X25519)-(ECDSA-SECP256R1-SHA256)-(AES-128-GCM)"
GT_FACTS='
  /^- Description: / && !d { d = 1; n = split(substr($0, 16), x, /\)-\(/); gsub(/[()]/, "", x[n])
    out("F_SUITE", suite(x[n])); v = x[2]; sub(/^ECDHE-/, "", v); out("F_GROUP", group(v)); out("F_SIG", x[3]) }
  /^- Application protocol: / && !a { a = 1; out("F_ALPN", substr($0, 25)) }
  /^- Given server name\[1\]: / && !h { h = 1; out("F_SNI", substr($0, 25)) }
  /subject `CN=/ && !p { p = 1; v = $0; sub(/.*subject `/, "", v); sub(/'"'"'.*/, "", v); out("F_PEERCERT", v) }
  /^\tSubject: CN=/ && !p { p = 1; v = $0; sub(/.*Subject: /, "", v); out("F_PEERCERT", v) }
  /^Error|Error in|\*\*\* Fatal|failed/ && !e { e = 1; out("F_ERR", $0) }
  /^Error|Error in|non-properly|\*\*\* Fatal/ { bad = 1 }
  /Peer has closed the GnuTLS connection/ { c = 1 }
  END { out("F_BAD", bad + 0); out("F_PEERCLOSED", c + 0) }'
gt_facts() { F_SUITE='' F_GROUP='' F_SIG='' F_ALPN='' F_SNI='' F_PEERCERT='' F_ERR='' F_BAD=0 F_PEERCLOSED=0; read_facts "$1" "$GT_FACTS"; }

# ---- gnutls-serv --echo (qtls client connects) ----
gnutls_srv_start() {
  local try args
  for try in 1 2; do   # free_port can race with another process: retry once on a bind error
    PORT=$(free_port)
    args=(--echo -p "$PORT" --priority "$(gt_prio "$S_SUITE" "$S_GROUPS")"
      --x509certfile "$PKI/$S_CERT.pem" --x509keyfile "$PKI/$S_CERT.key")
    if [ -n "$S_ALPN" ]; then local a; for a in ${S_ALPN//,/ }; do args+=(--alpn "$a"); done; fi
    [ -n "$S_ALPN_FATAL" ] && args+=(--alpn-fatal)
    [ -n "$S_CLIENT_AUTH" ] && args+=(--require-client-cert --verify-client-cert --x509cafile "$PKI/ca.pem")
    [ -n "$S_SNI" ] && args+=(--sni-hostname localhost --sni-hostname-fatal)
    [ -n "$S_EARLY" ] && args+=(--earlydata)
    # Post-handshake auth only: no CertificateRequest during the handshake itself.
    [ -n "$S_PHA" ] && args+=(--disable-client-cert --x509cafile "$PKI/ca.pem")
    if [ -n "$S_KEYLOG" ]; then
      bg_start srv.log env SSLKEYLOGFILE="$S_KEYLOG" timeout 90 gnutls-serv "${args[@]}"
    else
      bg_start srv.log timeout 90 gnutls-serv "${args[@]}"
    fi
    SPID=$BG_PID
    wait_for srv.log "IPv4 .* port $PORT" "$SPID" && break
    grep -qi 'bind' srv.log && [ $try = 1 ] && continue
    fail "gnutls-serv did not start: $(tail -2 srv.log)"
  done
  printf 'hello\n' > probe.in; PROBE_IN=probe.in; PROBE_RE='^hello$'; CLOSE_IN=probe.in
  SRV_FAIL_RE='^Error|Error in'
  SNI_CN=$S_CERT; NOCERT_ALERT=certificate_required
  BULK_IN=$PAYLOAD                              # --echo: lines come back as they are
}
gnutls_srv_stop() {
  kill "$SPID" 2>/dev/null; wait "$SPID" 2>/dev/null
  FACTS="suite group alpn sni peercert clean"
  gt_facts srv.log
  F_FAIL=$F_ERR; F_CLEAN=yes; [ "$F_BAD" = 0 ] || F_CLEAN=no
  return 0
}
gnutls_bulk_check() {
  cmp -s "$1" "$PAYLOAD" || fail "4 MB echo differs ($(stat -c %s "$1") bytes received)"
}

# ---- gnutls-cli (against qtls server on $PORT) ----
# gnutls-cli sends close_notify as soon as stdin ends and then drops application data still
# in flight, so stdin is a FIFO held open until the expected reply has arrived.
gt_cli_args() {
  CARGS=(-p "$PORT" 127.0.0.1 --sni-hostname "$C_NAME" --verify-hostname "$C_NAME" --x509cafile "$PKI/ca.pem"
    --priority "$(gt_prio "$C_SUITE" "$C_GROUPS")")
  [ -n "$C_GROUPS" ] && CARGS+=(--single-key-share)      # a key share for the first group only
  if [ -n "$C_ALPN" ]; then local a; for a in ${C_ALPN//,/ }; do CARGS+=(--alpn "$a"); done; fi
  [ -n "$C_CERT" ] && CARGS+=(--x509certfile "$PKI/client.pem" --x509keyfile "$PKI/client.key")
  return 0
}
gt_cli_start() {  # NAME [extra args]: gnutls-cli in the background reading NAME.in (FIFO on fd 4)
  local n=$1; shift; gt_cli_args
  rm -f "$n.in"; mkfifo "$n.in"
  local envs=(env); [ -n "$C_KEYLOG" ] && envs+=(SSLKEYLOGFILE="$C_KEYLOG")
  logcmd "${envs[@]}" timeout 120 gnutls-cli "${CARGS[@]}" "$@" "<" "$n.in"
  BG_IN=$n.in bg_start "$n.out" "${envs[@]}" timeout 120 gnutls-cli "${CARGS[@]}" "$@"; CPID=$BG_PID
  exec 4> "$n.in"
}
gt_cli_end() { exec 4>&-; wait_exit "$CPID" 30; P_RC=$?; }
gnutls_cli() {  # NAME: probe "hello\nCLOSE\n" through qtls --rev
  local n=$1
  gt_cli_start "$n"
  cat "$PROBE_REQ" >&4
  wait_for "$n.out" '^olleh$|Fatal|Error' "$CPID" 20 || true
  gt_cli_end
  FACTS="suite group sig alpn peercert"
  gt_facts "$n.out"
  F_FAIL=''; [ "$P_RC" = 0 ] || F_FAIL="$F_ERR exit $P_RC"
  F_CLEAN=no; [ "$P_RC" = 0 ] && [ "$F_PEERCLOSED" = 1 ] && F_CLEAN=yes
  return 0
}
gnutls_signame() { case $1 in ecdsa_secp256r1_sha256) echo ECDSA-SECP256R1-SHA256;; ecdsa_secp384r1_sha384) echo ECDSA-SECP384R1-SHA384;;
  rsa_pss_rsae_sha256) echo RSA-PSS-RSAE-SHA256;; ed25519) echo EdDSA-Ed25519;; esac; }

gnutls_bulk() {  # 4 MB line file through qtls --echo
  qserver --cert "$PKI/ec256.pem" --key "$PKI/ec256.key" --echo
  C_NAME=localhost
  gt_cli_start bulk
  cat "$PAYLOAD" >&4
  wait_for bulk.out '^[0-9]{8}[A-Za-z0-9]+$' "$CPID" "$PAYLOAD_LINES" 120 || fail "echo incomplete after 120 s"
  gt_cli_end
  qserver_done
  [ "$P_RC" = 0 ] || fail "gnutls-cli exit $P_RC"
  grep -xE '[0-9]{8}[A-Za-z0-9]+' bulk.out | cmp -s - "$PAYLOAD" || fail "4 MB echo differs"
  server_clean
  pass "line file through qtls --echo"
}
gnutls_ku() {  # --inline-commands ^rekey^ (update_requested) and ^rekey1^ (not requested)
  qserver --cert "$PKI/ec256.pem" --key "$PKI/ec256.key" --rev
  C_NAME=localhost
  gt_cli_start ku --inline-commands
  echo abc >&4;        wait_for ku.out '^cba$' "$CPID" || fail "no echo before KeyUpdate"
  echo '^rekey^' >&4;  wait_for ku.out 'Rekey was completed' "$CPID" || fail "rekey (update_requested) did not complete"
  echo def >&4;        wait_for ku.out '^fed$' "$CPID" || fail "no echo after KeyUpdate(update_requested)"
  echo '^rekey1^' >&4; wait_for ku.out 'Rekey was completed' "$CPID" 2 || fail "rekey (not requested) did not complete"
  echo ghi >&4;        wait_for ku.out '^ihg$' "$CPID" || fail "no echo after KeyUpdate(update_not_requested)"
  gt_cli_end
  qserver_done
  [ "$P_RC" = 0 ] || fail "gnutls-cli exit $P_RC"
  server_clean
  pass "^rekey^ and ^rekey1^, data after each"
}
gnutls_close() {  # gnutls-cli sends close_notify at stdin EOF and reads until qtls closes
  qserver --cert "$PKI/ec256.pem" --key "$PKI/ec256.key" --rev
  C_NAME=localhost
  gt_cli_start cl
  echo hello >&4; wait_for cl.out '^olleh$' "$CPID" || fail "no reply"
  gt_cli_end
  qserver_done
  [ "$P_RC" = 0 ] || fail "gnutls-cli exit $P_RC"
  grep -q 'Peer has closed the GnuTLS connection' cl.out || fail "gnutls-cli did not see close_notify from qtls"
  ! grep -qE 'Error|non-properly' cl.out || fail "gnutls-cli: $(grep -m1 -E 'Error|non-properly' cl.out)"
  server_clean
  pass "client close_notify, qtls answered with close_notify"
}

# ---- resumption, 0-RTT, post-handshake auth: qtls client -> gnutls-serv ----
gnutls_client_resumption() {  # tickets are on by default; qtls --reconnect
  gnutls_srv_start; qclient c --reconnect; gnutls_srv_stop
  expect_resumed c
  grep -q '^\*\*\* This is a resumed session' srv.log || fail "gnutls-serv did not resume"
  pass "gnutls-serv: *** This is a resumed session"
}
gnutls_client_early_data() {  # --earlydata; gnutls-serv neither logs nor echoes early bytes: compare key logs
  printf 'early hello\n' > early.txt
  S_EARLY=1 S_KEYLOG=$W/peer.keys; gnutls_srv_start
  qclient c --reconnect --early-data early.txt --keylogfile "$W/qtls.keys"; gnutls_srv_stop
  expect_resumed c early
  grep -q '^\*\*\* This is a resumed session' srv.log || fail "gnutls-serv did not resume"
  local a b
  a=$(grep '^CLIENT_EARLY_TRAFFIC_SECRET ' qtls.keys); b=$(grep '^CLIENT_EARLY_TRAFFIC_SECRET ' peer.keys)
  [ -n "$b" ] || fail "gnutls-serv derived no client early traffic secret (0-RTT not accepted)"
  [ "$a" = "$b" ] || fail "CLIENT_EARLY_TRAFFIC_SECRET differs"
  pass "resumed, early data accepted, CLIENT_EARLY_TRAFFIC_SECRET equal (gnutls-serv does not log early bytes)"
}
gnutls_client_post_handshake_auth() {  # an echoed "**REAUTH**" line makes gnutls-serv call gnutls_reauth()
  S_PHA=1; gnutls_srv_start
  qclient_bg c --post-handshake-auth --cert "$PKI/client.pem" --key "$PKI/client.key"
  echo hello >&4; wait_for c.out '^hello$' "$CPID" || fail "no echo"
  echo '**REAUTH**' >&4
  wait_for c.err '^qtls: post-handshake auth: answered' "$CPID" || fail "qtls did not answer: $(tail -2 c.err)"
  echo after >&4; wait_for c.out '^after$' "$CPID" || fail "no echo after the post-handshake authentication"
  qclient_bg_end c; gnutls_srv_stop
  [ "$Q_RC" = 0 ] || fail "qtls client exit $Q_RC: $(grep -m1 '^qtls client' c.err)"
  grep -q 'Sending re-auth request' srv.log || fail "gnutls-serv sent no re-auth request"
  ! grep -qiE 'reauth returned error|^Error' srv.log || fail "gnutls-serv: $(grep -m1 -iE 'reauth returned|^Error' srv.log)"
  grep -q 'Processing .* command: after' srv.log || fail "gnutls-serv did not continue after gnutls_reauth()"
  pass "gnutls-serv **REAUTH**: gnutls_reauth() completed, CN=client sent after the handshake"
}

# ---- resumption, 0-RTT, post-handshake auth: gnutls-cli -> qtls server ----
gnutls_server_resume() {  # NAME EXTRA...: gnutls-cli -r (two connections); the 2nd answers "hello"
  local n=$1; shift
  C_NAME=localhost; gt_cli_start "$n" -r --waitresumption "$@"
  echo hello >&4; wait_for "$n.out" '^olleh$' "$CPID" 1 20 || fail "no answer on the resumed connection"
  gt_cli_end; qserver_done 2
  [ "$P_RC" = 0 ] || fail "gnutls-cli exit $P_RC"
  grep -q '^\*\*\* This is a resumed session' "$n.out" || fail "gnutls-cli did not resume"
  expect resumed "$Q_RESUMED" yes; server_clean
}
gnutls_server_resumption() {
  NACC=2 qserver "${DEFCERT[@]}" --rev; gnutls_server_resume r
  pass "gnutls-cli -r: *** This is a resumed session"
}
gnutls_server_early_data() {
  printf 'early hello\n' > early.txt
  NACC=2 qserver "${DEFCERT[@]}" --rev --max-early-data 16384; gnutls_server_resume e --earlydata=early.txt
  grep -qx 'olleh ylrae' e.out || fail "the early data was not answered"
  expect early-data "$Q_EARLY" accepted
  pass "gnutls-cli -r --earlydata: accepted, qtls answered 'early hello'"
}
gnutls_server_post_handshake_auth() {
  qserver "${DEFCERT[@]}" "${PHA_SERVER_ARGS[@]}" --CAfile "$PKI/ca.pem"
  C_NAME=localhost C_CERT=1; gt_cli_start p --post-handshake-auth
  echo hello >&4; wait_for p.out '^olleh$' "$CPID" || fail "no answer"
  wait_for p.out 'Re-auth was performed' "$CPID" || fail "gnutls-cli did not re-authenticate: $(tail -2 p.out)"
  echo CLOSE >&4; gt_cli_end; qserver_done
  [ "$P_RC" = 0 ] || fail "gnutls-cli exit $P_RC"
  grep -q 'Successfully sent 1 certificate' p.out || fail "gnutls-cli sent no certificate"
  expect peer "$Q_PEER" none; expect_server_pha; server_clean
  pass "gnutls-cli --post-handshake-auth: Re-auth was performed, qtls verified CN=client"
}
