# shellcheck shell=bash
# curl (OpenSSL backend) as a client of the qtls server (peers.md section 5). The qtls server
# runs --rev: curl POSTs "hello\nCLOSE\n" and accepts the reversed lines as an HTTP/0.9 body.
curl_check() { need_bin curl curl; }
# curl checks the host name itself after the handshake and then just closes (close_notify, no
# alert): there is no alert for qtls to report, only curl's error 60 and a close without data.
curl_na() {
  [ "$1" = client ] && { echo "curl is a client only"; return; }
  case $2 in key-update) echo "curl has no way to start a KeyUpdate";;
    early-data) echo "curl 7.88 has no way to send 0-RTT early data";;
    external-psk) echo "curl has no external PSK option";;
    exporter) echo "curl cannot print exported keying material";; esac
}
curl_cli_args() {  # BODYFILE
  CARGS=(-sS -v --tlsv1.3 --tls-max 1.3 --http0.9 --cacert "$PKI/ca.pem"
    --resolve "$C_NAME:$PORT:127.0.0.1" "https://$C_NAME:$PORT/" -H 'Expect:' --data-binary "@$1")
  case $C_ALPN in *h2*) ;; *) CARGS+=(--http1.1);; esac   # default offers h2,http/1.1; --http1.1 only http/1.1
  [ -n "$C_SUITE" ] && CARGS+=(--tls13-ciphers "$C_SUITE")
  [ -n "$C_GROUPS" ] && CARGS+=(--curves "${C_GROUPS//,/:}")
  [ -n "$C_CERT" ] && CARGS+=(--cert "$PKI/client.pem" --key "$PKI/client.key")
  return 0
}
curl_run() {  # NAME BODYFILE
  local n=$1 envs=(env); curl_cli_args "$2"
  [ -n "$C_KEYLOG" ] && envs+=(SSLKEYLOGFILE="$C_KEYLOG")
  logcmd "${envs[@]}" timeout 60 curl "${CARGS[@]}" -o "$n.out"
  "${envs[@]}" timeout 60 curl "${CARGS[@]}" -o "$n.out" 2> "$n.log"; P_RC=$?
}
curl_cli() {
  local n=$1; curl_run "$n" "$PROBE_REQ"
  FACTS="suite alpn peercert"
  F_SUITE='' F_ALPN='' F_PEERCERT='' F_ERR='' F_CN_IN=0
  read_facts "$n.log" '
    /^\* SSL connection using TLSv1.3 \/ / && !s { s = 1; out("F_SUITE", substr($0, 34)) }
    /^\* ALPN: server accepted / && !a { a = 1; out("F_ALPN", substr($0, 25)) }
    /^\*  subject: / && !p { p = 1; out("F_PEERCERT", substr($0, 13)) }
    /^curl: \(/ && !e { e = 1; out("F_ERR", $0) }
    /\(IN\), TLS alert, close notify/ { c = 1 }
    END { out("F_CN_IN", c + 0) }'
  F_FAIL=''; [ "$P_RC" = 0 ] || F_FAIL="$F_ERR exit $P_RC"
  F_CLEAN=no; [ "$P_RC" = 0 ] && [ "$F_CN_IN" = 1 ] && F_CLEAN=yes
  return 0
}
curl_bulk() {
  qserver --cert "$PKI/ec256.pem" --key "$PKI/ec256.key" --rev
  C_NAME=localhost; curl_run bulk "$PAYLOAD_REQ"
  qserver_done
  [ "$P_RC" = 0 ] || fail "curl exit $P_RC: $(grep -m1 '^curl: (' bulk.log)"
  # the body is the reversed request head, then the reversed payload lines
  grep -xE "[A-Za-z0-9]{$((PAYLOAD_LINELEN - 9))}[0-9]{8}" bulk.out | cmp -s - "$PAYLOAD_REV" || fail "4 MB reply differs"
  server_clean
  pass "POST of the line file through qtls --rev"
}
curl_close() {
  qserver --cert "$PKI/ec256.pem" --key "$PKI/ec256.key" --rev
  C_NAME=localhost; curl_cli cl
  qserver_done
  [ "$P_RC" = 0 ] || fail "curl exit $P_RC: $F_FAIL"
  grep -q '^olleh' cl.out || fail "no reply"
  grep -q '(IN), TLS alert, close notify' cl.log || fail "curl saw no close_notify from qtls"
  grep -q '(OUT), TLS alert, close notify' cl.log || fail "curl sent no close_notify"
  server_clean
  pass "close_notify both ways (curl -v)"
}

# ---- resumption, post-handshake auth: curl -> qtls server ----
curl_server_resumption() {  # two URLs in one invocation: the second connection resumes the session
  NACC=2 qserver "${DEFCERT[@]}" --rev
  C_NAME=localhost; curl_cli_args "$PROBE_REQ"
  logcmd timeout 60 curl "${CARGS[@]}" "https://localhost:$PORT/b" -o r1.out -o r2.out
  timeout 60 curl "${CARGS[@]}" "https://localhost:$PORT/b" -o r1.out -o r2.out 2> r.log; P_RC=$?
  qserver_done 2
  [ "$P_RC" = 0 ] || fail "curl exit $P_RC: $(grep -m1 '^curl: (' r.log)"
  grep -q '^olleh' r2.out || fail "no answer on the second connection"
  grep -q 'SSL re-using session ID' r.log || fail "curl did not offer the session again"
  expect resumed "$Q_RESUMED" yes; server_clean
  pass "curl: SSL re-using session ID; qtls resumed"
}
curl_server_post_handshake_auth() {  # curl (OpenSSL) enables post-handshake auth with --cert
  qserver "${DEFCERT[@]}" "${PHA_SERVER_ARGS[@]}" --CAfile "$PKI/ca.pem"
  C_NAME=localhost C_CERT=1; curl_run p "$PROBE_REQ"
  qserver_done
  [ "$P_RC" = 0 ] || fail "curl exit $P_RC: $(grep -m1 '^curl: (' p.log)"
  grep -q '^olleh' p.out || fail "no answer"
  grep -q '(IN), TLS handshake, Request CERT' p.log && grep -q '(OUT), TLS handshake, CERT verify' p.log ||
    fail "curl saw no CertificateRequest / sent no CertificateVerify"
  expect peer "$Q_PEER" none; expect_server_pha; server_clean
  pass "curl --cert: Certificate after the handshake, qtls verified CN=client"
}
