# shellcheck shell=bash
# Python ssl (OpenSSL) as a client of the qtls server, via pypeer.py (peers.md section 5).
# Suites and groups through OPENSSL_CONF: Python has no API for TLS 1.3 suites or groups.
python_check() { need_bin python3 python3; }
python_na() {
  [ "$1" = client ] && { echo "python peer is run as a client only (brief: peer→qtls)"; return; }
  case $2 in key-update) echo "Python's ssl module has no KeyUpdate API";;
    early-data) echo "Python's ssl module has no 0-RTT (early data) API";;
    external-psk) echo "Python 3.11's ssl module has no TLS 1.3 external PSK API (3.13 adds one)";;
    exporter) echo "Python's ssl module has no exporter API";; esac
}
py_run() {  # NAME MODE INPUT
  local n=$1
  local envs=(env) args=("$HERE/pypeer.py" "$PORT" "$PKI/ca.pem" --servername "$C_NAME" --mode "$2" --output "$n.out")
  [ -n "$3" ] && args+=(--input "$3")
  [ -n "$C_ALPN" ] && args+=(--alpn "$C_ALPN")
  [ -n "$C_CERT" ] && args+=(--cert "$PKI/client.pem" --key "$PKI/client.key")
  [ -n "$C_KEYLOG" ] && args+=(--keylog "$C_KEYLOG")
  [ -n "$C_PHA" ] && args+=(--pha)
  if [ -n "$C_SUITE$C_GROUPS" ]; then
    { printf '%s\n' 'openssl_conf = i' '[i]' 'ssl_conf = s' '[s]' 'system_default = d' '[d]'
      [ -n "$C_SUITE" ] && echo "Ciphersuites = $C_SUITE"
      [ -n "$C_GROUPS" ] && echo "Groups = ${C_GROUPS//,/:}"; } > "$n.cnf"
    envs+=(OPENSSL_CONF="$PWD/$n.cnf")
  fi
  logcmd "${envs[@]}" timeout 60 "$PYTHON" "${args[@]}"
  "${envs[@]}" timeout 60 "$PYTHON" "${args[@]}" 2> "$n.log"; P_RC=$?
}
python_cli() {
  local n=$1; py_run "$n" probe "$PROBE_REQ"
  FACTS="suite alpn peercert"
  F_SUITE='' F_ALPN='' F_PEERCERT='' F_ERR='' F_OK=0
  read_facts "$n.log" '
    /^PY connected / { out("F_SUITE", $4); v = $5; sub(/^alpn=/, "", v); if (v == "None") v = ""; out("F_ALPN", v)
      v = $6; sub(/^peer=/, "", v); out("F_PEERCERT", v) }
    /^PYERR/ && !e { e = 1; out("F_ERR", $0) }
    /^PY closed clean/ { ok = 1 }
    END { out("F_OK", ok + 0) }'
  F_FAIL=''; [ "$P_RC" = 0 ] || F_FAIL="$F_ERR exit $P_RC"
  F_CLEAN=no; [ "$F_OK" = 1 ] && F_CLEAN=yes
  return 0
}
python_bulk() {  # 4 MB of random bytes, lock-step through qtls --echo
  qserver --cert "$PKI/ec256.pem" --key "$PKI/ec256.key" --echo
  C_NAME=localhost; py_run bulk echo "$PAYLOAD_BIN"
  qserver_done
  [ "$P_RC" = 0 ] || fail "python: $(grep -m1 PYERR bulk.log)"
  cmp -s bulk.out "$PAYLOAD_BIN" || fail "4 MB echo differs ($(stat -c %s bulk.out) bytes received)"
  server_clean
  pass "binary, qtls --echo, then close_notify both ways"
}
python_close() {
  qserver --cert "$PKI/ec256.pem" --key "$PKI/ec256.key" --rev
  C_NAME=localhost; py_run cl close ""
  qserver_done
  [ "$P_RC" = 0 ] || fail "python: $(grep -m1 PYERR cl.log)"
  grep -q '^olleh' cl.out || fail "no reply"
  server_clean
  pass "client close_notify, qtls answered (SSLSocket.unwrap)"
}

# ---- resumption, post-handshake auth: Python ssl -> qtls server ----
python_server_resumption() {  # SSLSocket.session offered on the second connection
  NACC=2 qserver "${DEFCERT[@]}" --rev
  C_NAME=localhost; py_run r resume "$PROBE_REQ"
  qserver_done 2
  [ "$P_RC" = 0 ] || fail "python: $(grep -m1 PYERR r.log)"
  [ "$(grep -c '^olleh' r.out)" = 2 ] || fail "expected two answers"
  [ "$(grep '^PY resumed' r.log | tr '\n' ' ')" = "PY resumed False PY resumed True " ] ||
    fail "python: $(grep '^PY resumed' r.log | tr '\n' ' ')"
  expect resumed "$Q_RESUMED" yes; server_clean
  pass "session_reused True on the second connection"
}
python_server_post_handshake_auth() {  # SSLContext.post_handshake_auth: OpenSSL answers inside recv()
  qserver "${DEFCERT[@]}" "${PHA_SERVER_ARGS[@]}" --CAfile "$PKI/ca.pem"
  C_NAME=localhost C_CERT=1 C_PHA=1; py_run p probe "$PROBE_REQ"
  qserver_done
  [ "$P_RC" = 0 ] || fail "python: $(grep -m1 PYERR p.log)"
  grep -q '^olleh' p.out || fail "no answer"
  expect peer "$Q_PEER" none; expect_server_pha; server_clean
  pass "post_handshake_auth=True: Certificate after the handshake, qtls verified CN=client"
}
