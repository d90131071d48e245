#!/usr/bin/env bash
# QUIC interop matrix: qtls quic-client / quic-server against ngtcp2's gtlsclient / gtlsserver.
#
#   quic_matrix.sh [--qtls PATH] [--relay PATH] [--filter REGEX] [--list] [--jobs N] [--keep]
#                  [--allow-pending]
#
# Cells are named CLIENT:SERVER:CASE, CLIENT and SERVER one of qtls (the qtls CLI) and gtls
# (gtlsclient / gtlsserver, ngtcp2 1.11 with GnuTLS); gtls:gtls is the harness's self-check.
# --filter selects cells by name (extended regex), e.g. '^qtls:gtls:' or ':retry$'. Prints the
# matrix (case x client -> server) and a summary; exits 1 if a cell failed or a peer program is
# missing (never skips), 2 on usage errors. --allow-pending reports failed resumption / zerortt
# cells as PENDING without failing the run (ctest never passes it). gtls speaks h3 only; qtls->qtls
# uses hq-interop except in the http3 case, as the quic-interop-runner does. The loss case runs
# through qtls_udp_relay (--relay, default: next to the qtls program). Everything runs on
# 127.0.0.1 with ephemeral ports, every process under timeout. Logs: a temp dir, kept when a
# cell fails or with --keep; commands.txt in each cell directory reproduces it.
set -uo pipefail
[ -n "${QUIC_MATRIX_TRACE:-}" ] && { PS4='+ $EPOCHREALTIME '; set -x; }
HERE=$(cd "$(dirname "$(readlink -f "$0")")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

PAIRS=(qtls:qtls qtls:gtls gtls:qtls gtls:gtls)
CASES=(handshake transfer retry resumption zerortt chacha20 keyupdate v2 v2vn multiconnect http3 loss)
PENDING_CASES=" resumption zerortt "   # the cases --allow-pending may report as PENDING
CELL_TIMEOUT=150
LOSS_RATE=0.05 REORDER_RATE=0.05 RELAY_SEED=${QUIC_MATRIX_SEED:-20261129}
GTLS_CHACHA='NORMAL:-VERS-ALL:+VERS-TLS1.3:-CIPHER-ALL:+CHACHA20-POLY1305'

usage() { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; }

# ======================================================================================
# Inside a cell (each cell is its own process in its own directory $W)
# ======================================================================================
BG=() PROOFS=()
fail() { printf 'FAIL: %s\n' "$*" > "$W/result"; logcmd "# FAIL: $*"; exit 1; }
pass() { local IFS=';'; printf 'PASS (%s)\n' "${PROOFS[*]}" > "$W/result"; logcmd "# PASS"; exit 0; }
proof() { PROOFS+=("$*"); }
CELL_T0=$EPOCHREALTIME
logcmd() {  # the command line, with the time since the cell started, for reproduction
  local us=$(( ${EPOCHREALTIME/./} - ${CELL_T0/./} ))
  { printf '# +%d.%02ds\n' $((us / 1000000)) $((us % 1000000 / 10000)); printf '%q ' "$@"; echo; } >> "$W/commands.txt"
}
cell_cleanup() { local p; for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done; return 0; }

# ---- servers: srv_start sets SPID, SPORT and CPORT (the port clients use); log srv.log ----
S_QTLS=() S_GTLS=() C_QTLS=() C_GTLS=()
srv_start() {
  if [ "$SRV" = qtls ]; then
    local a=(quic-server --cert "$PKI/server.pem" --key "$PKI/server.key" --listen 127.0.0.1 --port 0
      --www "$WWW" --keylog "$W/srv.keys" -v "${S_QTLS[@]}")
    logcmd timeout 120 "$QTLS" "${a[@]}"
    timeout 120 "$QTLS" "${a[@]}" > srv.log 2>&1 & SPID=$!; BG+=("$SPID")
    qi_wait_for srv.log '^qtls: quic-server listening on ' "$SPID" 1 10 ||
      fail "qtls quic-server did not start: $(tail -2 srv.log | tr '\n' ' ')"
    SPORT=$(sed -n 's/^qtls: quic-server listening on .*:\([0-9][0-9]*\)$/\1/p' srv.log | head -1)
    [ -n "$SPORT" ] || fail "no port in qtls quic-server's listening line"
  else
    local a
    for _ in 1 2 3; do   # the probed port may be taken before gtlsserver binds it: probe again
      SPORT=$(qi_free_udp_port)
      a=(--no-quic-dump --no-http-dump -d "$WWW" "${S_GTLS[@]}" 127.0.0.1 "$SPORT" "$PKI/server.key" "$PKI/server.pem")
      logcmd timeout 120 gtlsserver "${a[@]}"
      SSLKEYLOGFILE=$W/srv.keys timeout 120 gtlsserver "${a[@]}" > srv.log 2>&1 & SPID=$!; BG+=("$SPID")
      qi_wait_udp_bound "$SPORT" "$SPID" 10 && break
      SPID=''
    done
    [ -n "$SPID" ] || fail "gtlsserver did not start: $(tail -2 srv.log | tr '\n' ' ')"
  fi
  CPORT=$SPORT
}
srv_stop() {
  qi_stop "$SPID" 10; S_RC=$?
  # qtls quic-server exits 0 on SIGTERM (the CLI contract); anything else is a crash or an error
  if [ "$SRV" = qtls ] && [ "$S_RC" != 0 ]; then fail "qtls quic-server exit $S_RC: $(tail -1 srv.log)"; fi
  return 0
}

# ---- the loss/reorder relay in front of the server (CPORT becomes the relay's port) ----
relay_start() {
  local a=(--server "$SPORT" --port 0 --drop "$LOSS_RATE" --reorder "$REORDER_RATE" --seed "$RELAY_SEED" --max-seconds 110)
  logcmd "$RELAY" "${a[@]}"
  "$RELAY" "${a[@]}" > relay.log 2>&1 & RPID=$!; BG+=("$RPID")
  qi_wait_for relay.log '^udp_relay: listening on ' "$RPID" 1 10 || fail "udp relay did not start: $(tail -1 relay.log)"
  CPORT=$(sed -n 's/^udp_relay: listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' relay.log | head -1)
}
relay_stop() {  # checks that both directions really lost and reordered datagrams
  qi_stop "$RPID" 10 || fail "udp relay exit status $?"
  local dir line
  for dir in client-\>server server-\>client; do
    line=$(grep -m1 "^udp_relay: $dir " relay.log) || fail "no $dir counts from the relay"
    [[ $line =~ forwarded=([0-9]+)\ dropped=([0-9]+)\ reordered=([0-9]+) ]] || fail "relay: $line"
    [ "${BASH_REMATCH[2]}" -gt 0 ] && [ "${BASH_REMATCH[3]}" -gt 0 ] ||
      fail "relay $dir lost or reordered nothing: $line"
    proof "relay $dir fwd=${BASH_REMATCH[1]} drop=${BASH_REMATCH[2]} reord=${BASH_REMATCH[3]}"
  done
}

# ---- clients: cli_run NAME FILES... (one process, one or more connections, log NAME.log) ----
cli_run() {
  local n=$1 f u=() a; shift
  for f; do u+=("https://127.0.0.1:$CPORT/$f"); done
  if [ "$CLI" = qtls ]; then
    a=(quic-client --ca "$PKI/ca.pem" --sni localhost --alpn "$ALPN" --download "$DL" --timeout "${C_TIMEOUT:-30}"
      --keylog "$W/$n.keys" -v "${C_QTLS[@]}" "${u[@]}")
    logcmd timeout $(( ${C_TIMEOUT:-30} + 10 )) "$QTLS" "${a[@]}"
    timeout $(( ${C_TIMEOUT:-30} + 10 )) "$QTLS" "${a[@]}" > "$n.log" 2>&1; C_RC=$?
  else
    a=(--exit-on-all-streams-close --no-quic-dump --no-http-dump --download="$DL" --timeout="${C_TIMEOUT:-30}s"
      "${C_GTLS[@]}" 127.0.0.1 "$CPORT" "${u[@]}")
    logcmd timeout $(( ${C_TIMEOUT:-30} + 10 )) gtlsclient "${a[@]}"
    SSLKEYLOGFILE=$W/$n.keys timeout $(( ${C_TIMEOUT:-30} + 10 )) gtlsclient "${a[@]}" > "$n.log" 2>&1; C_RC=$?
  fi
  [ "$C_RC" = 0 ] || fail "$CLI client ($n) exit $C_RC: $(grep -v '^ ' "$n.log" | tail -1)"
}
got() {  # FILES...: each downloaded file equals the served one
  local f
  for f; do
    [ -f "$DL/$f" ] || fail "$f was not downloaded"
    cmp -s "$DL/$f" "$WWW/$f" || fail "$f differs from the served file ($(stat -c %s "$DL/$f") bytes)"
  done
  proof "$# file(s) compared"
}

# ---- proofs ----
# q_expect FILE KIND N KEY=VALUE...: the Nth "qtls: quic KIND:" line of FILE has these fields.
q_expect() {
  local file=$1 kind=$2 n=$3 kv k v got; shift 3
  qi_parse_summary "$file" "$kind" "$n"
  [ -n "$QS_LINE" ] || fail "no 'qtls: quic $kind:' line #$n in $file"
  for kv; do
    k=${kv%%=*} v=${kv#*=}; local var="QS_${k//-/_}"; got=${!var}
    [ "$got" = "$v" ] || fail "qtls $kind #$n: $k=${got:-<none>}, expected $v"
  done
}
# conn N KEY=VALUE...: the Nth connection's summary on every qtls side of the cell.
conn() {
  local n=$1; shift
  [ "$CLI" = qtls ] && q_expect c.log connected "$n" "$@"
  [ "$SRV" = qtls ] && q_expect srv.log accepted "$n" "$@"
  [ "$CLI" = qtls ] || [ "$SRV" = qtls ] && proof "qtls #$n: $*"
  return 0
}
# conns N: exactly N connections were reported by each side that reports them.
conns() {
  local c
  if [ "$CLI" = qtls ]; then c=$(qi_count c.log '^qtls: quic connected: '); [ "$c" = "$1" ] || fail "qtls client reported $c connections, expected $1"; fi
  if [ "$SRV" = qtls ]; then c=$(qi_count srv.log '^qtls: quic accepted: '); [ "$c" = "$1" ] || fail "qtls server reported $c connections, expected $1"; fi
  if [ "$SRV" = gtls ]; then c=$(qi_count srv.log '^QUIC handshake has completed'); [ "$c" = "$1" ] || fail "gtlsserver completed $c handshakes, expected $1"; fi
  proof "$1 connection(s) on each side"
  return 0
}
# g_expect SIDE(cli|srv) FILE REGEX [MIN]: a gtls log has at least MIN (1) lines matching REGEX.
g_expect() {
  local side=$1 file=$2 re=$3 min=${4:-1} c
  if [ "$side" = cli ] && [ "$CLI" != gtls ]; then return 0; fi
  if [ "$side" = srv ] && [ "$SRV" != gtls ]; then return 0; fi
  c=$(qi_count "$file" "$re")
  [ "$c" -ge "$min" ] || fail "gtls$([ "$side" = cli ] && echo client || echo server) log $file: no '$re'"
  proof "gtls $side: '$re'"
}
g_both() { g_expect cli "${2:-c.log}" "$1"; g_expect srv srv.log "$1"; }
# Bytes of CRYPTO data the server sent at the Handshake level, from gtlsclient's ngtcp2 log: a
# resumed handshake carries no Certificate/CertificateVerify (RFC 8446 section 2.2), so it is small.
g_handshake_crypto_rx() { awk '/ frm rx .* Handshake CRYPTO\(0x06\)/ { for (i = 1; i <= NF; i++) if ($i ~ /^len=/) s += substr($i, 5) } END { print s + 0 }' "$1"; }
RESUMED_FLIGHT_MAX=400   # EE + Finished is well below; with the P-256 certificate it is ~700 bytes

# ======================================================================================
# The cases
# ======================================================================================
run_case() {
  case $CASE in
    handshake)
      srv_start; cli_run c hello.txt; srv_stop; got hello.txt
      conn 1 version=v1 group=X25519 alpn="$ALPN" resumed=no retry=no early-data=none
      g_both '^QUIC handshake has completed'; g_both '^Negotiated ALPN is h3'; pass ;;
    transfer|http3)
      local files=(hello.txt 64k.bin 1mb.bin index.html)
      srv_start; cli_run c "${files[@]}"; srv_stop; got "${files[@]}"; conns 1
      conn 1 alpn="$ALPN"; g_both '^Negotiated ALPN is h3'; pass ;;
    retry)
      S_QTLS=(--retry) S_GTLS=(-V)
      srv_start; cli_run c hello.txt; srv_stop; got hello.txt
      conn 1 retry=yes; g_expect cli c.log 'pkt rx .* type=Retry'; g_expect srv srv.log '^Token was successfully validated'; pass ;;
    resumption|zerortt)
      local zero=''; [ "$CASE" = zerortt ] && zero=1
      srv_start
      if [ "$CLI" = qtls ]; then
        C_QTLS=("$([ -n "$zero" ] && echo --early-data || echo --resume)"); cli_run c hello.txt 64k.bin index.html
      else
        local sess=(--session-file="$W/sess.pem" --tp-file="$W/tp.txt")
        C_GTLS=(--wait-for-ticket "${sess[@]}"); cli_run c1 hello.txt
        [ -s sess.pem ] || fail "gtlsclient stored no session ticket"
        C_GTLS=("${sess[@]}"); [ -z "$zero" ] && C_GTLS+=(--disable-early-data)
        cli_run c2 64k.bin index.html
      fi
      srv_stop; got hello.txt 64k.bin index.html
      conn 1 resumed=no
      if [ -n "$zero" ]; then
        conn 2 resumed=yes early-data=accepted
        g_expect cli c2.log 'pkt tx .* type=0RTT'
        ! grep -q 'Early data was rejected' c2.log 2>/dev/null || fail "gtlsclient: early data was rejected"
        g_expect srv srv.log 'frm rx .* 0RTT STREAM'
      else
        # No 0-RTT sent. (A server may still "accept" early data: gtlsclient's --disable-early-data
        # keeps the early_data extension in its ClientHello and just sends no 0-RTT packets.)
        conn 2 resumed=yes
        [ "$CLI" = qtls ] && q_expect c.log connected 2 early-data=none
        if [ "$CLI" = gtls ]; then
          [ "$(qi_count c2.log 'pkt tx .* type=0RTT')" = 0 ] || fail "gtlsclient sent 0-RTT packets"
          proof "gtls client: no 0-RTT packets"
          local hs; hs=$(g_handshake_crypto_rx c2.log)
          [ "$hs" -gt 0 ] && [ "$hs" -lt $RESUMED_FLIGHT_MAX ] ||
            fail "gtlsclient: the server's Handshake flight was $hs bytes (full handshake, not resumed)"
          proof "gtls client: server Handshake flight $hs bytes (no certificate)"
        fi
      fi
      pass ;;
    chacha20)
      C_QTLS=(--ciphers TLS_CHACHA20_POLY1305_SHA256) C_GTLS=(--ciphers="$GTLS_CHACHA")
      srv_start; cli_run c hello.txt 64k.bin; srv_stop; got hello.txt 64k.bin
      conn 1 suite=TLS_CHACHA20_POLY1305_SHA256; g_both '^Negotiated cipher suite is CHACHA20-POLY1305'; pass ;;
    keyupdate)
      C_QTLS=(--key-update) C_GTLS=(--key-update=1ms)
      srv_start; cli_run c 1mb.bin; srv_stop; got 1mb.bin
      if [ "$CLI" = qtls ]; then
        grep -q '^qtls: key update initiated' c.log || fail "qtls client: no 'key update initiated'"
        grep -q '^qtls: key update confirmed' c.log || fail "qtls client: no 'key update confirmed'"
        proof "qtls client: key update initiated + confirmed"
      fi
      g_expect cli c.log 'Initiate key update'; g_expect cli c.log 'pkt tx .* type=1RTT k=1'
      g_expect srv srv.log 'con rotate keys'; pass ;;
    v2)
      C_QTLS=(--quic-version v2) C_GTLS=(-v v2)
      srv_start; cli_run c hello.txt; srv_stop; got hello.txt
      conn 1 version=v2; g_both 'the negotiated version is 0x6b3343cf'; pass ;;
    v2vn)
      # The quic-interop-runner's "v2" test: the first Initial is v1, the client also offers v2 in
      # its version_information, the server prefers v2 and switches (compatible version
      # negotiation, RFC 9368 section 2.3); the rest of the connection is v2.
      S_QTLS=(--quic-versions v2,v1) S_GTLS=(--preferred-versions=v2,v1)
      C_QTLS=(--quic-version v1) C_GTLS=(-v v1 --available-versions=v1,v2)
      srv_start; cli_run c hello.txt; srv_stop; got hello.txt
      conn 1 version=v2; g_both 'the negotiated version is 0x6b3343cf'
      # both programs log ngtcp2's packet trace (qtls with -v): the client's first Initial was v1
      [ "$(qi_count c.log 'pkt tx .* version=0x00000001 type=Initial')" -gt 0 ] || fail "client sent no v1 Initial"
      [ "$(qi_count c.log 'pkt tx .* version=0x6b3343cf type=')" -gt 0 ] || fail "client sent no v2 packet"
      proof "client trace: v1 Initial, then v2 packets"; pass ;;
    multiconnect)
      local files=(hello.txt 64k.bin index.html) i
      srv_start
      if [ "$CLI" = qtls ]; then
        C_QTLS=(--multiconnect); cli_run c "${files[@]}"
      else
        for i in 0 1 2; do cli_run "c$i" "${files[$i]}"; done
      fi
      # (later connections may resume with an earlier connection's ticket; that is allowed)
      srv_stop; got "${files[@]}"; conns 3; pass ;;
    loss)
      C_TIMEOUT=60
      srv_start; relay_start; cli_run c 1mb.bin; relay_stop; srv_stop; got 1mb.bin; conn 1 alpn="$ALPN"; pass ;;
    *) fail "unknown case $CASE" ;;
  esac
}

run_one_cell() {  # KEY (in $W)
  local key=$1
  CLI=${key%%:*}; local rest=${key#*:}; SRV=${rest%%:*} CASE=${rest#*:}
  cd "$W" || exit 1
  DL=$W/dl; mkdir -p "$DL"
  ALPN=h3
  [ "$CLI:$SRV" = qtls:qtls ] && [ "$CASE" != http3 ] && ALPN=hq-interop
  trap cell_cleanup EXIT; trap 'exit 143' TERM INT
  if [ "$CLI" = qtls ] || [ "$SRV" = qtls ]; then
    qi_has_quic "$QTLS" || fail "$QTLS has no quic-client/quic-server subcommands (qtls --help)"
  fi
  run_case
  fail "cell ended without a verdict"
}

# ======================================================================================
# Driver
# ======================================================================================
if [ "${1:-}" = --cell ]; then   # internal: quic_matrix.sh --cell CELLS DIR (environment from the driver)
  W=$2/$3; shift 3
  run_one_cell "$(cat "$W/key")"
fi

QTLS=${QTLS:-} RELAY=${RELAY:-} FILTER='' LIST=0 JOBS=2 KEEP=0 ALLOW_PENDING=0
while [ $# -gt 0 ]; do
  case $1 in
    --qtls) QTLS=$2; shift 2 ;;
    --relay) RELAY=$2; shift 2 ;;
    --filter) FILTER=$2; shift 2 ;;
    --list) LIST=1; shift ;;
    --jobs) JOBS=$2; shift 2 ;;
    --keep) KEEP=1; shift ;;
    --allow-pending) ALLOW_PENDING=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) usage >&2; echo "quic_matrix: unknown option '$1'" >&2; exit 2 ;;
  esac
done

KEYS=()
for c in "${CASES[@]}"; do
  for p in "${PAIRS[@]}"; do k="$p:$c"; [[ $k =~ $FILTER ]] && KEYS+=("$k"); done
done
[ ${#KEYS[@]} -gt 0 ] || { echo "quic_matrix: no cell matches '$FILTER'" >&2; exit 2; }
if [ $LIST = 1 ]; then printf '%s\n' "${KEYS[@]}"; exit 0; fi

NEED_QTLS=0 NEED_GTLS_C=0 NEED_GTLS_S=0 NEED_RELAY=0
for k in "${KEYS[@]}"; do
  [[ $k == qtls:* || $k == *:qtls:* ]] && NEED_QTLS=1
  [[ $k == gtls:* ]] && NEED_GTLS_C=1
  [[ $k == *:gtls:* ]] && NEED_GTLS_S=1
  [[ $k == *:loss ]] && NEED_RELAY=1
done
if [ $NEED_QTLS = 1 ]; then
  if [ -z "$QTLS" ]; then for QTLS in "$HERE/../../../build/qtls" ""; do [ -x "$QTLS" ] && break; done; fi
  [ -n "$QTLS" ] && [ -x "$QTLS" ] || { echo "quic_matrix: no qtls program: pass --qtls PATH (target qtls-cli)" >&2; exit 2; }
  QTLS=$(readlink -f "$QTLS")
fi
if [ $NEED_RELAY = 1 ]; then
  if [ -z "$RELAY" ] && [ -n "$QTLS" ]; then RELAY=$(dirname "$QTLS")/tests/interop/quic/qtls_udp_relay; fi
  [ -n "$RELAY" ] && [ -x "$RELAY" ] ||
    { echo "quic_matrix: no udp relay: pass --relay PATH (target qtls_udp_relay)" >&2; exit 2; }
  RELAY=$(readlink -f "$RELAY")
fi
missing=0
qi_need_bin openssl openssl || missing=1
qi_need_bin python3 python3 || missing=1
[ $NEED_GTLS_C = 0 ] || qi_need_bin gtlsclient ngtcp2-client || missing=1
[ $NEED_GTLS_S = 0 ] || qi_need_bin gtlsserver ngtcp2-server || missing=1
[ $missing = 0 ] || { echo "quic_matrix: FAILED: peer programs missing (see above)" >&2; exit 1; }
qi_resolve_python || { echo "quic_matrix: python3 does not run" >&2; exit 1; }

T0=$(date +%s)
RUN=$(mktemp -d "${TMPDIR:-/tmp}/qtls-quic-interop.XXXXXX")
PKI=$RUN/pki WWW=$RUN/www
echo "quic_matrix: qtls=${QTLS:-<unused>}  work=$RUN  cells=${#KEYS[@]}  jobs=$JOBS" >&2
qi_make_pki "$PKI" || exit 1
qi_make_www "$WWW" || { echo "quic_matrix: could not write $WWW" >&2; exit 1; }
export PYTHON QTLS RELAY PKI WWW

mkdir -p "$RUN/cells"
CELLDIRS=()
for i in "${!KEYS[@]}"; do
  d=$(printf '%03d-%s' "$i" "${KEYS[$i]//[^A-Za-z0-9._-]/_}")
  mkdir -p "$RUN/cells/$d"; printf '%s\n' "${KEYS[$i]}" > "$RUN/cells/$d/key"; CELLDIRS+=("$d")
  while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
  ( s=$EPOCHREALTIME
    timeout -k 5 $CELL_TIMEOUT "$HERE/quic_matrix.sh" --cell "$RUN/cells" "$d" > "$RUN/cells/$d/cell.log" 2>&1
    us=$(( ${EPOCHREALTIME/./} - ${s/./} )); printf '%d.%d\n' $((us / 1000000)) $((us % 1000000 / 100000)) > "$RUN/cells/$d/secs" ) &
done
wait

# ---- the matrix: one row per case, one column per client -> server pairing ----
declare -A RES=() SECS=()
nfail=0 npass=0 npend=0 FAILED=() PENDING=() DETAILS=()
for i in "${!KEYS[@]}"; do
  k=${KEYS[$i]} f=$RUN/cells/${CELLDIRS[$i]} c=${KEYS[$i]##*:}
  res=$(head -1 "$f/result" 2>/dev/null)
  [ -n "$res" ] || res="FAIL: no verdict (timed out after ${CELL_TIMEOUT}s or crashed, see cell.log)"
  if [[ $res == PASS* ]]; then npass=$((npass + 1)); RES[$k]=ok
  elif [ $ALLOW_PENDING = 1 ] && [[ $PENDING_CASES == *" $c "* ]]; then
    npend=$((npend + 1)); RES[$k]=PENDING; PENDING+=("$k|$f"); res="PENDING (${res#FAIL: })"
  else nfail=$((nfail + 1)); RES[$k]=FAIL; FAILED+=("$k|$f")
  fi
  SECS[$k]=$(cat "$f/secs" 2>/dev/null || echo '?')
  DETAILS+=("$(printf '%-24s %-7s %5ss  %s' "$k" "${RES[$k]}" "${SECS[$k]}" "$res")")
done
label() { printf '%s->%s' "${1%%:*}" "${1#*:}"; }
cols=() for_rows=()
for p in "${PAIRS[@]}"; do for k in "${KEYS[@]}"; do [[ $k == "$p":* ]] && { cols+=("$p"); break; }; done; done
for c in "${CASES[@]}"; do for k in "${KEYS[@]}"; do [[ $k == *:"$c" ]] && { for_rows+=("$c"); break; }; done; done
printf '%-13s' 'case'; for p in "${cols[@]}"; do printf ' | %-11s' "$(label "$p")"; done; echo
printf '%-13s' '-------------'; for p in "${cols[@]}"; do printf '%s' '-|------------'; done; echo
for c in "${for_rows[@]}"; do
  printf '%-13s' "$c"
  for p in "${cols[@]}"; do printf ' | %-11s' "${RES[$p:$c]:--}"; done; echo
done
echo
echo "(qtls->qtls uses ALPN hq-interop except http3; cells with gtls use h3; gtls->gtls is the harness self-check)"
echo
printf '%s\n' "${DETAILS[@]}"
echo
echo "quic_matrix: $npass passed, $nfail failed, $npend pending; $(( $(date +%s) - T0 ))s"
if [ $npend -gt 0 ]; then
  echo "pending cells (--allow-pending; they are failures without it):"
  for x in "${PENDING[@]}"; do echo "  ${x%%|*}: ${x#*|}"; done
fi
if [ $nfail -gt 0 ]; then
  echo "failed cells (logs and the exact commands in commands.txt):"
  for x in "${FAILED[@]}"; do echo "  ${x%%|*}: ${x#*|}"; done
fi
if [ $nfail -gt 0 ] || [ $npend -gt 0 ] || [ $KEEP = 1 ]; then echo "work directory kept: $RUN"; else rm -rf "$RUN"; fi
[ $nfail = 0 ]
