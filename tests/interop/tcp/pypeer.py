#!/usr/bin/env python3
"""Python ssl client for the TCP interop matrix (peer -> qtls server).

pypeer.py PORT CAFILE [--servername N] [--alpn a,b] [--cert F --key F] [--keylog F] [--pha]
          [--mode probe|close|echo|resume] [--input F] [--output F]
Suites and groups come from OPENSSL_CONF (Python has no API for them).
  probe: send --input, read until the server closes (server --rev, input ends with CLOSE)
  close: send "hello\\n", read "olleh\\n", send close_notify, wait for the server's
  echo:  lock-step: send --input in 16 KB pieces, read each back (server --echo), then close
  resume: probe twice, the second connection offering the first one's session
          (SSLSocket.session); prints "PY resumed True|False" for each
--pha offers post-handshake client authentication (SSLContext.post_handshake_auth).
Prints "PY connected VERSION SUITE alpn=X peer=CN=Y", "PY closed clean" or "PYERR ..." on
stderr; received data goes to --output (default stdout).
"""
import argparse, socket, ssl, sys

a = argparse.ArgumentParser()
a.add_argument("port", type=int); a.add_argument("cafile")
a.add_argument("--servername", default="localhost"); a.add_argument("--alpn")
a.add_argument("--cert"); a.add_argument("--key"); a.add_argument("--keylog")
a.add_argument("--pha", action="store_true")
a.add_argument("--mode", default="probe"); a.add_argument("--input"); a.add_argument("--output")
o = a.parse_args()

def log(*x): print(*x, file=sys.stderr, flush=True)

ctx = ssl.create_default_context(cafile=o.cafile)
ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1_3
if o.alpn: ctx.set_alpn_protocols(o.alpn.split(","))
if o.cert: ctx.load_cert_chain(o.cert, o.key)
if o.keylog: ctx.keylog_filename = o.keylog
if o.pha: ctx.post_handshake_auth = True
out = open(o.output, "wb") if o.output else sys.stdout.buffer

def connect(session=None):
    raw = socket.create_connection(("127.0.0.1", o.port), timeout=20)
    # suppress_ragged_eofs=False: a close without close_notify is an error, not b"".
    t = ctx.wrap_socket(raw, server_hostname=o.servername, suppress_ragged_eofs=False, session=session)
    subj = dict(x[0] for x in t.getpeercert()["subject"])
    log("PY connected", t.version(), t.cipher()[0], "alpn=%s" % t.selected_alpn_protocol(),
        "peer=CN=%s" % subj.get("commonName"))
    return t

try:
    t = connect()
    if o.mode in ("probe", "resume"):
        t.sendall(open(o.input, "rb").read())
        while (d := t.recv(65536)): out.write(d)
    if o.mode == "resume":
        # TLS 1.3 tickets arrive after the handshake: the read above took them in.
        log("PY resumed", t.session_reused)
        session = t.session
        t.close()
        t = connect(session)
        t.sendall(open(o.input, "rb").read())
        while (d := t.recv(65536)): out.write(d)
        log("PY resumed", t.session_reused)
    elif o.mode == "close":
        t.sendall(b"hello\n"); got = b""
        while not got.endswith(b"\n"):
            d = t.recv(100)
            if not d: raise RuntimeError("server closed before the reply")
            got += d
        out.write(got)
        t.unwrap()                    # our close_notify, then wait for the server's
    elif o.mode == "echo":
        data = open(o.input, "rb").read()
        for i in range(0, len(data), 16384):
            piece = data[i:i + 16384]; t.sendall(piece); n = 0
            while n < len(piece):
                d = t.recv(65536)
                if not d: raise RuntimeError("server closed during the transfer")
                out.write(d); n += len(d)
        t.unwrap()
    out.flush()
    log("PY closed clean")
except Exception as e:  # noqa: BLE001 - report every failure the same way
    log("PYERR %s: %s" % (type(e).__name__, e))
    sys.exit(1)
