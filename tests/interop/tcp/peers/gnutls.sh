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
    # RFC 7250: the key of $S_CERT as a raw public key (no certificate); RFC 8449 record size.
    [ -n "${S_RPK:-}" ] && args=(--echo -p "$PORT" --priority "$(gt_prio "$S_SUITE" "$S_GROUPS"):+CTYPE-SRV-RAWPK"
      --rawpkkeyfile "$PKI/$S_CERT.key" --rawpkfile "$W/$S_CERT.pub")
    [ -n "${S_RECSIZE:-}" ] && args+=(--recordsize="$S_RECSIZE")
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
  # Raw public keys only (RFC 7250). gnutls-cli 3.7.9 cannot pin one (its TOFU check parses the key
  # as a certificate), so it does not verify the key: the cell checks that one crossed the wire.
  [ -n "${C_RPK:-}" ] && CARGS=(-p "$PORT" 127.0.0.1 --no-ca-verification
    --priority "$(gt_prio "$C_SUITE" "$C_GROUPS"):-CTYPE-SRV-ALL:+CTYPE-SRV-RAWPK")
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

# ---- external PSK and exporter (RFC 8446 §2.2, §7.5) ----
GT_PSK_PRIO='NORMAL:-VERS-ALL:+VERS-TLS1.3:+ECDHE-PSK:+PSK'
gt_srv_extra_start() {  # ARGS...: gnutls-serv --echo with these arguments (PSK or certificate)
  local try
  for try in 1 2; do
    PORT=$(free_port)
    bg_start srv.log timeout 90 gnutls-serv --echo -p "$PORT" "$@"; SPID=$BG_PID
    wait_for srv.log "IPv4 .* port $PORT" "$SPID" && break
    grep -qi 'bind' srv.log && [ $try = 1 ] && continue
    fail "gnutls-serv did not start: $(tail -2 srv.log)"
  done
  printf 'hello\n' > probe.in; PROBE_IN=probe.in; PROBE_RE='^hello$'
}
gnutls_client_external_psk() {  # gnutls-serv --pskpasswd and no certificate; qtls has no trust store
  printf '%s:%s\n' "$PSK_ID" "$PSK_HEX" > psk.passwd
  gt_srv_extra_start --priority "$GT_PSK_PRIO" --pskpasswd psk.passwd
  qpsk_client c; wait_for srv.log 'Connected as' "$SPID" 1 5 || true; gnutls_srv_stop
  client_ok c; expect_psk
  grep -q "^- PSK authentication. Connected as '$PSK_ID'" srv.log || fail "gnutls-serv: no PSK authentication"
  pass "gnutls-serv --pskpasswd: PSK authentication. Connected as '$PSK_ID'"
}
gnutls_server_external_psk() {  # a PSK-only qtls server; gnutls-cli --pskusername --pskkey
  qserver --psk "$PSK_HEX" --psk-identity "$PSK_ID" --rev
  local n=p
  rm -f "$n.in"; mkfifo "$n.in"
  local a=(-p "$PORT" 127.0.0.1 --priority "$GT_PSK_PRIO" --pskusername "$PSK_ID" --pskkey "$PSK_HEX")
  logcmd timeout 60 gnutls-cli "${a[@]}" "<" "$n.in"
  BG_IN=$n.in bg_start "$n.out" timeout 60 gnutls-cli "${a[@]}"; CPID=$BG_PID
  exec 4> "$n.in"
  echo hello >&4; wait_for p.out '^olleh$' "$CPID" || fail "no answer: $(tail -2 p.out)"
  echo CLOSE >&4; gt_cli_end; qserver_done
  [ "$P_RC" = 0 ] || fail "gnutls-cli exit $P_RC"
  grep -q '^- PSK authentication' p.out || fail "gnutls-cli: no PSK authentication"
  expect_psk; server_clean
  pass "PSK-only qtls server; gnutls-cli --pskusername/--pskkey"
}
gnutls_client_exporter() {  # gnutls-serv --keymatexport vs qtls --export-keying-material
  gt_srv_extra_start --priority "$(gt_prio '' '')" --x509certfile "$PKI/ec256.pem" --x509keyfile "$PKI/ec256.key" \
    --keymatexport "$EXPORT_LABEL" --keymatexportsize "$EXPORT_LEN"
  qclient c --export-keying-material "$EXPORT_LABEL:$EXPORT_LEN"
  wait_for srv.log '^- Key material: ' "$SPID" 1 5 || true; gnutls_srv_stop
  client_ok c
  local ours theirs
  ours=$(exported_q c.err); theirs=$(sed -n 's/^- Key material: \([0-9a-f]*\)$/\1/p' srv.log | head -1)
  [ -n "$theirs" ] || fail "gnutls-serv printed no key material"
  [ "$ours" = "${theirs^^}" ] || fail "exporter differs: qtls ${ours:-<none>}, gnutls-serv $theirs"
  pass "$EXPORT_LEN bytes for $EXPORT_LABEL equal to gnutls-serv --keymatexport"
}
gnutls_server_exporter() {  # gnutls-cli --keymatexport vs the qtls server's --export-keying-material
  qserver "${DEFCERT[@]}" --rev --export-keying-material "$EXPORT_LABEL:$EXPORT_LEN"
  C_NAME=localhost; gt_cli_start x --keymatexport "$EXPORT_LABEL" --keymatexportsize "$EXPORT_LEN"
  echo hello >&4; wait_for x.out '^olleh$' "$CPID" || fail "no answer: $(tail -2 x.out)"
  echo CLOSE >&4; gt_cli_end; qserver_done
  [ "$P_RC" = 0 ] || fail "gnutls-cli exit $P_RC"
  local ours theirs
  ours=$(exported_q qs.err); theirs=$(sed -n 's/^- Key material: \([0-9a-f]*\)$/\1/p' x.out | head -1)
  [ -n "$theirs" ] || fail "gnutls-cli printed no key material"
  [ "$ours" = "${theirs^^}" ] || fail "exporter differs: qtls ${ours:-<none>}, gnutls-cli $theirs"
  server_clean
  pass "$EXPORT_LEN bytes for $EXPORT_LABEL equal to gnutls-cli --keymatexport"
}

# ---- raw public keys (RFC 7250) and record_size_limit (RFC 8449) ----
gnutls_client_rpk() {  # gnutls-serv --rawpkfile; qtls trusts that key, then a key it does not know
  openssl pkey -in "$PKI/ec256.key" -pubout -out ec256.pub 2>/dev/null || fail "cannot derive ec256.pub"
  openssl pkey -in "$PKI/ed25519.key" -pubout -out ed25519.pub 2>/dev/null || fail "cannot derive ed25519.pub"
  S_RPK=1; gnutls_srv_start
  qclient c --trust-raw-public-key ec256.pub
  qclient c2 --trust-raw-public-key ed25519.pub
  gnutls_srv_stop; client_ok c
  [[ $Q_LINE == *" server-cert-type=raw-public-key"* ]] || fail "qtls did not get a raw public key: $Q_LINE"
  grep -q 'Raw Public Key)-' srv.log || fail "gnutls-serv did not negotiate a raw public key"
  client_rejected c2 bad_certificate
  pass "pinned key accepted (gnutls: X.509-Raw Public Key); another key: bad_certificate"
}
gnutls_server_rpk() {  # gnutls-cli asks for raw public keys only; qtls presents the key of --key
  qserver "${DEFCERT[@]}" --rev --raw-public-key
  C_RPK=1; gnutls_cli c; qserver_done; server_ok c
  grep -q '^- Certificate type: Raw Public Key' c.out || fail "gnutls-cli did not receive a raw public key"
  [[ $Q_LINE == *" server-cert-type=raw-public-key"* ]] || fail "qtls did not present a raw public key: $Q_LINE"
  pass "gnutls-cli: Certificate type: Raw Public Key (not pinned: --no-ca-verification)"
}
# gnutls-serv --recordsize=512 advertises 513 (content + type byte); qtls advertises 600 (GnuTLS ignores
# limits below 512). A 1 MB echo in ~2000 records each way: GnuTLS ends with record_overflow on a
# record above its limit, qtls likewise; the trace shows both limits. (Record sizes on the wire are
# checked byte by byte in tests/interop/tcp_gnutls_rpk_record_size_test.cpp.)
gnutls_client_record_size_limit() {
  head -c $((1024 * 1024)) "$PAYLOAD" > rsl.txt
  S_RECSIZE=512; gnutls_srv_start
  logcmd env QTLS_LOG=trace timeout 90 "$QTLS" client "127.0.0.1:$PORT" --CAfile "$PKI/ca.pem" --servername localhost \
    --record-size-limit 600 -v "<" rsl.txt
  QTLS_LOG=trace timeout 90 "$QTLS" client "127.0.0.1:$PORT" --CAfile "$PKI/ca.pem" --servername localhost \
    --record-size-limit 600 -v < rsl.txt > rsl.out 2> rsl.err
  Q_RC=$?; gnutls_srv_stop
  [ "$Q_RC" = 0 ] || fail "qtls client exit $Q_RC: $(grep -m1 '^qtls client' rsl.err)"
  grep -q 'ClientHello .*record_size_limit=600' rsl.err || fail "qtls did not offer record_size_limit=600"
  grep -q 'EncryptedExtensions .*record_size_limit=513' rsl.err || fail "gnutls-serv did not answer record_size_limit=513"
  cmp -s rsl.out rsl.txt || fail "1 MB echo differs ($(stat -c %s rsl.out) bytes received)"
  ! grep -qiE 'overflow|^Error' srv.log || fail "gnutls-serv: $(grep -m1 -iE 'overflow|^Error' srv.log)"
  pass "limits 513 (gnutls) / 600 (qtls), 1 MB echoed"
}
# gnutls-cli --recordsize=512 -> qtls --record-size-limit 1000 --rev. gnutls-cli sends at most 512
# bytes of each input read (it drops the rest of a longer read), so the input is line by line.
gnutls_server_record_size_limit() {
  logcmd env QTLS_LOG=trace timeout 120 "$QTLS" server --naccept 1 -v "${DEFCERT[@]}" --rev --record-size-limit 1000
  QTLS_LOG=trace timeout 120 "$QTLS" server --naccept 1 -v "${DEFCERT[@]}" --rev --record-size-limit 1000 \
    > qs.out 2> qs.err & SPID=$!; BG+=("$SPID")
  wait_for qs.out '^ACCEPT' "$SPID" || fail "qtls server did not start: $(head -2 qs.err)"
  PORT=$(port_of qs.out)
  C_NAME=localhost; gt_cli_start r --recordsize=512
  local i line
  for i in 1 2 3 4 5 6 7 8; do
    line=$(printf "%08d%0400d" "$i" 0)
    echo "$line" >&4; wait_for r.out "^$(rev <<<"$line")\$" "$CPID" || fail "no answer to line $i"
  done
  echo CLOSE >&4; gt_cli_end; qserver_done
  [ "$P_RC" = 0 ] || fail "gnutls-cli exit $P_RC"
  grep -q 'ClientHello .*record_size_limit=513' qs.err || fail "gnutls-cli did not offer record_size_limit=513"
  grep -q 'EncryptedExtensions .*record_size_limit=1000' qs.err || fail "qtls did not answer record_size_limit=1000"
  server_clean
  pass "limits 513 (gnutls) / 1000 (qtls), 8 lines of 409 bytes answered"
}
