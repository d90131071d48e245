#!/usr/bin/env bash
# Installs qtls from a build tree into a temporary prefix, then builds the
# examples against that copy twice, once with pkg-config on a plain c++
# command line and once with find_package(qtls) in a separate CMake
# project, and runs each echo server against the other build's echo client
# on 127.0.0.1 (ephemeral ports). Also checks that libqtls.so exports the
# public API only. Every step is bounded; a missing tool fails the test.
#   install_test.sh SOURCE_DIR BUILD_DIR
set -u
SRC=${1:?source dir}
BUILD=${2:?build dir}
STEP_TIMEOUT=60   # seconds for any one configure, compile or run
WORK=$(mktemp -d "${TMPDIR:-/tmp}/qtls-install.XXXXXX")
SERVER_PIDS=()
cleanup() {
  for pid in "${SERVER_PIDS[@]}"; do kill "$pid" 2>/dev/null; done
  rm -rf "$WORK"
}
trap cleanup EXIT
fail() { echo "install_test: FAIL: $*" >&2; exit 1; }
step() { echo "install_test: $*"; }
for tool in cmake pkg-config c++ nm openssl timeout; do
  command -v "$tool" >/dev/null || fail "$tool is not installed"
done

PREFIX=$WORK/prefix
step "cmake --install $BUILD --prefix $PREFIX"
timeout $STEP_TIMEOUT cmake --install "$BUILD" --prefix "$PREFIX" > "$WORK/install.log" 2>&1 ||
  fail "cmake --install failed: $(tail -5 "$WORK/install.log")"
PCDIR=$(dirname "$(find "$PREFIX" -name qtls.pc | head -1)")
[ -f "$PCDIR/qtls.pc" ] || fail "qtls.pc was not installed"
LIBDIR=$(dirname "$PCDIR")
for f in "$PREFIX/include/qtls/engine.h" "$PREFIX/include/qtls/log.h" "$LIBDIR/libqtls.a" "$LIBDIR/cmake/qtls/qtlsConfig.cmake" \
         "$LIBDIR/cmake/qtls/qtlsConfigVersion.cmake" "$LIBDIR/cmake/qtls/qtlsTargets.cmake"; do
  [ -e "$f" ] || fail "missing after install: $f"
done
SONAME=$(LC_ALL=C objdump -p "$LIBDIR/libqtls.so" 2>/dev/null | awk '/SONAME/ {print $2}')
[ "$SONAME" = libqtls.so.0 ] || fail "libqtls.so has SONAME '$SONAME', expected libqtls.so.0"

# The shared library exports the public API and none of the internals.
EXPORTS=$(nm -DC --defined-only "$LIBDIR/libqtls.so")
grep -q 'qtls::Engine::client' <<<"$EXPORTS" || fail "libqtls.so does not export qtls::Engine::client"
grep -q 'qtls::record::Connection::client' <<<"$EXPORTS" || fail "libqtls.so does not export record::Connection"
LEAKED=$(grep -E 'qtls::(handshake|msg|crypto|wire|x509|ngtcp2_backend)::|qtls::record::Connection::Impl::' <<<"$EXPORTS" | head -5)
[ -z "$LEAKED" ] || fail "libqtls.so exports internal symbols, e.g.: $LEAKED"
step "libqtls.so: SONAME $SONAME, $(wc -l <<<"$EXPORTS") exported symbols, no internals"

# Test certificates: a CA and a localhost leaf.
PKI=$WORK/pki
mkdir -p "$PKI"
(
  cd "$PKI" &&
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -subj /CN=install-test-ca -days 2 &&
  openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout leaf.key -out leaf.csr -subj /CN=localhost &&
  printf 'subjectAltName=DNS:localhost\nextendedKeyUsage=serverAuth\n' > leaf.ext &&
  openssl x509 -req -in leaf.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out leaf.pem -days 2 -extfile leaf.ext
) > "$WORK/pki.log" 2>&1 || fail "openssl could not create the test certificates: $(tail -3 "$WORK/pki.log")"

EXAMPLES=$SRC/examples
export PKG_CONFIG_PATH=$PCDIR${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}
export LD_LIBRARY_PATH=$LIBDIR${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}

# 1. pkg-config, plain compiler command lines, and 2. find_package(qtls) in a
# separate CMake project. The compiler runs of 1 go on in the background
# while 2 configures (the whole test has a 60 s budget on a loaded machine).
PC=$WORK/pc
CM=$WORK/cmake
mkdir -p "$PC"
step "pkg-config build: c++ ... \$(pkg-config --cflags --libs qtls)"
PC_JOBS=()
PC_NAMES=()
for ex in tls_echo_server tls_echo_client ngtcp2_client; do
  pkgs=qtls
  if [ $ex = ngtcp2_client ]; then
    [ -f "$EXAMPLES/ngtcp2_client.cpp" ] && pkg-config --exists libngtcp2_crypto_qtls || continue
    pkgs="libngtcp2_crypto_qtls qtls"
  fi
  # shellcheck disable=SC2046,SC2086
  timeout $STEP_TIMEOUT c++ -o "$PC/$ex" "$EXAMPLES/$ex.cpp" $(pkg-config --cflags --libs $pkgs) > "$PC/$ex.log" 2>&1 &
  PC_JOBS+=($!)
  PC_NAMES+=($ex)
done
step "CMake build: find_package(qtls) with CMAKE_PREFIX_PATH=$PREFIX"
timeout $STEP_TIMEOUT cmake -S "$SRC/tests/install/consumer" -B "$CM" -DCMAKE_PREFIX_PATH="$PREFIX" \
  -DQTLS_EXAMPLES_DIR="$EXAMPLES" > "$WORK/cmake-configure.log" 2>&1 ||
  fail "configuring the find_package(qtls) project failed: $(tail -20 "$WORK/cmake-configure.log")"
for i in "${!PC_JOBS[@]}"; do
  wait "${PC_JOBS[$i]}" || fail "pkg-config build of ${PC_NAMES[$i]} failed: $(head -20 "$PC/${PC_NAMES[$i]}.log")"
  step "pkg-config build: ${PC_NAMES[$i]} built"
done
ldd "$PC/tls_echo_client" | grep -q "libqtls.so.0 => $LIBDIR" || fail "the pkg-config build does not use the installed libqtls.so"
timeout $STEP_TIMEOUT cmake --build "$CM" -j2 > "$WORK/cmake-build.log" 2>&1 ||
  fail "building the find_package(qtls) project failed: $(grep -m5 -E 'error|undefined' "$WORK/cmake-build.log")"

# Starts an echo server on an ephemeral port and sets PORT once the server
# says it is listening (bounded wait on its output file).
start_server() {  # BINARY NAME
  local out=$WORK/$2.out
  timeout $STEP_TIMEOUT "$1" 0 "$PKI/leaf.pem" "$PKI/leaf.key" > "$out" 2> "$WORK/$2.err" &
  SERVER_PIDS+=($!)
  local pid=$! waited=0
  until grep -q '^listening on ' "$out" 2>/dev/null; do
    kill -0 "$pid" 2>/dev/null || fail "$2 exited early: $(cat "$WORK/$2.err")"
    [ $waited -lt 100 ] || fail "$2 did not start listening within 10 s"
    sleep 0.1; waited=$((waited + 1))
  done
  PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\)$/\1/p' "$out")
  [ -n "$PORT" ] || fail "$2 printed no port"
}
check_echo() {  # CLIENT_BINARY PORT LABEL
  local msg="hello from $3"
  local got
  got=$(timeout $STEP_TIMEOUT "$1" "$2" "$PKI/ca.pem" "$msg" 2> "$WORK/client.err") ||
    fail "$3: client failed: $(cat "$WORK/client.err")"
  [ "$got" = "$msg" ] || fail "$3: expected echo '$msg', got '$got'"
  step "$3: echo ok"
}

start_server "$PC/tls_echo_server" server_pc; PORT_PC=$PORT
start_server "$CM/tls_echo_server" server_cmake; PORT_CM=$PORT
check_echo "$CM/tls_echo_client" "$PORT_PC" "find_package client (qtls::qtls_shared) -> pkg-config server"
check_echo "$PC/tls_echo_client" "$PORT_CM" "pkg-config client -> find_package server (qtls::qtls)"
[ ! -f "$CM/ngtcp2_client" ] || step "find_package build: ngtcp2_client built"
echo "install_test: PASS"
