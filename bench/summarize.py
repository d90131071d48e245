#!/usr/bin/env python3
"""Turns the Google Benchmark JSON files of the qtls benchmarks into
bench/results.json (a list of {case, unit, qtls, baseline, baseline_name,
ratio}; ratio > 1 means qtls is better) and a markdown table.

Every figure is the median of the repetitions of one run, in which qtls and
its baselines were interleaved in the same process. Rates are per CPU-second
of the benchmark thread (client and server share that thread)."""
import argparse
import json
import re
import sys

PENDING = "pending (not measured yet)"
LIBS = ("OpenSSL", "GnuTLS")
CERTS = ("ECDSA-P256", "RSA-2048", "Ed25519")
SIG_LABEL = {"ECDSA-P256": "ECDSA-P256", "RSA-2048": "RSA-PSS-2048", "Ed25519": "Ed25519"}
SUITES = ("AES-128-GCM", "AES-256-GCM", "ChaCha20-Poly1305")
PROVIDERS = ("openssl_provider", "sodium_provider", "default_provider")
QUIC_STATE_TARGET = 4096  # bytes of TLS state per QUIC connection after the handshake


def load(paths):
    medians, errors, context = {}, {}, {}
    for path in paths:
        with open(path) as f:
            data = json.load(f)
        context = data.get("context", context)
        for b in data.get("benchmarks", []):
            name = re.sub(r"/iterations:\d+$", "", b.get("run_name", b["name"]))
            if b.get("error_occurred"):
                errors[name] = b.get("error_message", "error")
            elif b.get("aggregate_name") == "median":
                medians[name] = b
    return medians, errors, context


class Table:
    def __init__(self, medians, errors):
        self.m, self.errors, self.rows = medians, errors, []

    def get(self, name, field):
        b = self.m.get(name)
        if b is None:
            return None
        if field == "us":
            return b["cpu_time"] * {"ns": 1e-3, "us": 1.0, "ms": 1e3, "s": 1e6}[b["time_unit"]]
        if field == "MB/s":
            return b["bytes_per_second"] / 1e6
        return b.get(field)

    def add(self, case, unit, qtls, baseline, baseline_name, higher_is_better=True):
        ratio = None
        if isinstance(qtls, (int, float)) and isinstance(baseline, (int, float)) and qtls > 0 and baseline > 0:
            ratio = qtls / baseline if higher_is_better else baseline / qtls
        rnd = lambda v: round(v, 3) if isinstance(v, float) else v
        self.rows.append({"case": case, "unit": unit, "qtls": rnd(qtls), "baseline": rnd(baseline),
                          "baseline_name": baseline_name, "ratio": None if ratio is None else round(ratio, 3)})

    def versus(self, case, unit, name_of, field, higher_is_better=True, scale=1.0):
        q = self.get(name_of("qtls"), field)
        for lib in LIBS:
            b = self.get(name_of(lib), field)
            self.add(case, unit, None if q is None else q * scale, None if b is None else b * scale, lib,
                     higher_is_better)


def build(medians, errors):
    t = Table(medians, errors)
    # ---- crypto-bound limits (default provider, as the handshake uses) ----
    limits = {}
    kex = None
    kg = t.get("prim/X25519-keygen/default_provider", "us")
    ag = t.get("prim/X25519-agree/default_provider", "us")
    if kg is not None and ag is not None:
        kex = kg + ag
    for cert in CERTS:
        sig = SIG_LABEL[cert]
        sign = t.get(f"prim/sign-{sig}/qtls_signer", "us")
        verify = t.get(f"prim/verify-{sig}/default_provider", "us")
        symc = t.get(f"prim/handshake-symmetric/{sig}/client", "us")
        syms = t.get(f"prim/handshake-symmetric/{sig}/server", "us")
        if None not in (kex, sign, verify, symc, syms):
            limits[cert] = {"client": kex + verify + symc, "server": kex + sign + syms}

    # ---- handshakes ----
    for cert in CERTS:
        t.versus(f"full handshake pairs/s, {cert}", "pairs/s", lambda l: f"handshake/{cert}/{l}",
                 "items_per_second")
        t.versus(f"client CPU per handshake, {cert}", "µs", lambda l: f"handshake_split/{cert}/{l}", "client_us",
                 higher_is_better=False)
        t.versus(f"server CPU per handshake, {cert}", "µs", lambda l: f"handshake_split/{cert}/{l}", "server_us",
                 higher_is_better=False)
        lim = limits.get(cert)
        if lim:
            pair_limit = 1e6 / (lim["client"] + lim["server"])
            t.add(f"crypto-bound limit, full pair, {cert} (client {lim['client']:.1f} µs + server "
                  f"{lim['server']:.1f} µs)", "pairs/s", pair_limit, None, "computed from qtls_bench_primitives")
            q = t.get(f"handshake/{cert}/qtls", "items_per_second")
            for lib in LIBS:
                b = t.get(f"handshake/{cert}/{lib}", "items_per_second")
                t.add(f"full pair as % of crypto-bound limit, {cert}", "% of limit",
                      None if q is None else 100 * q / pair_limit, None if b is None else 100 * b / pair_limit, lib)
    # ---- resumed handshakes (ticket from the previous pair, psk_dhe_ke, X25519, one new ticket) ----
    t.versus("resumed handshake pairs/s (ticket, psk_dhe_ke, X25519)", "pairs/s", lambda l: f"resumed/{l}",
             "items_per_second")
    t.versus("client CPU per resumed handshake", "µs", lambda l: f"resumed_split/{l}", "client_us",
             higher_is_better=False)
    t.versus("server CPU per resumed handshake", "µs", lambda l: f"resumed_split/{l}", "server_us",
             higher_is_better=False)
    for field, case in (("client_allocs", "heap allocations per resumed handshake, client"),
                        ("server_allocs", "heap allocations per resumed handshake, server"),
                        ("peak_B", "peak heap during one resumed handshake, both sides")):
        t.versus(case, "bytes" if field == "peak_B" else "allocations", lambda l: f"memory_resumed/{l}", field,
                 higher_is_better=False)

    # ---- QUIC: ngtcp2 1.11 with each crypto backend, same loop, in memory ----
    gq = "ngtcp2 + GnuTLS backend"
    t.add("QUIC handshakes/s (ngtcp2 pair in memory, X25519 + ECDSA-P256, client confirmed)", "handshakes/s",
          t.get("quic_handshake/qtls", "items_per_second"), t.get("quic_handshake/GnuTLS", "items_per_second"), gq)
    t.add("QUIC packet protection, 1200-byte 1-RTT packet (AES-128-GCM seal + header protection)", "ns",
          t.get("quic_protect/AES-128-GCM/qtls", "us") and 1e3 * t.get("quic_protect/AES-128-GCM/qtls", "us"),
          t.get("quic_protect/AES-128-GCM/GnuTLS", "us") and 1e3 * t.get("quic_protect/AES-128-GCM/GnuTLS", "us"),
          gq, higher_is_better=False)
    for side in ("client", "server"):
        q = t.get("memory_quic/qtls", f"{side}_tls_B")
        t.add(f"QUIC TLS state held after the handshake, {side}", "bytes", q,
              t.get("memory_quic/GnuTLS", f"{side}_tls_B"), gq, higher_is_better=False)
        t.add(f"QUIC TLS state held after the handshake, {side}: target ≤ 4 KiB", "bytes", q, QUIC_STATE_TARGET,
              "target", higher_is_better=False)
        t.add(f"heap allocations per QUIC handshake, {side} (ngtcp2's included)", "allocations",
              t.get("memory_quic/qtls", f"{side}_allocs"), t.get(f"memory_quic/GnuTLS", f"{side}_allocs"), gq,
              higher_is_better=False)
    t.add("QUIC resumed + 0-RTT handshakes/s (ngtcp2 + qtls backend)", "handshakes/s", PENDING, None, gq)
    t.add("QUIC bulk MB/s (ngtcp2 + qtls backend)", "MB/s", PENDING, None, gq)

    # ---- bulk ----
    for size in ("16KiB", "1KiB"):
        for suite in SUITES:
            t.versus(f"bulk, {suite}, {size} writes", "MB/s", lambda l: f"bulk/{suite}/{size}/{l}", "MB/s")

    # ---- memory ----
    for field, case, unit in (("client_idle_B", "heap held by an idle connection, client", "bytes"),
                              ("server_idle_B", "heap held by an idle connection, server", "bytes"),
                              ("peak_B", "peak heap during one handshake, both sides", "bytes"),
                              ("client_allocs", "heap allocations per handshake, client", "allocations"),
                              ("server_allocs", "heap allocations per handshake, server", "allocations")):
        t.versus(case, unit, lambda l: f"memory/{l}", field, higher_is_better=False)

    # ---- primitives: each provider against libcrypto called directly ----
    ops = [("HKDF-Expand-Label-SHA256", "HKDF-Expand-Label SHA-256, 32-byte secret"),
           ("X25519-keygen", "X25519 key generation"), ("X25519-agree", "X25519 shared secret"),
           ("P256-keygen", "P-256 ECDH key generation"), ("P256-agree", "P-256 ECDH shared secret")]
    for sig in ("ECDSA-P256", "RSA-PSS-2048", "Ed25519"):
        ops.append((f"verify-{sig}", f"{sig} verify (qtls parses the SPKI each time)"))
    for op, label in ops:
        base = t.get(f"prim/{op}/libcrypto", "us")
        for p in PROVIDERS:
            if f"prim/{op}/{p}" in t.m:  # libsodium lacks the NIST curves, RSA, ECDSA
                t.add(f"{label} [{p}]", "µs", t.get(f"prim/{op}/{p}", "us"), base, "libcrypto EVP direct", False)
    for sig in ("ECDSA-P256", "RSA-PSS-2048", "Ed25519"):
        t.add(f"{sig} sign [qtls Signer]", "µs", t.get(f"prim/sign-{sig}/qtls_signer", "us"),
              t.get(f"prim/sign-{sig}/libcrypto", "us"), "libcrypto EVP direct", False)
    for suite in SUITES:
        for op in ("seal", "open"):
            base = t.get(f"prim/{op}-{suite}-16KiB/libcrypto", "MB/s")
            for p in PROVIDERS:
                if f"prim/{op}-{suite}-16KiB/{p}" not in t.m:  # no AES-128-GCM in libsodium
                    continue
                t.add(f"{suite} {op} 16 KiB [{p}]", "MB/s", t.get(f"prim/{op}-{suite}-16KiB/{p}", "MB/s"), base,
                      "libcrypto EVP direct")
    for sig in ("ECDSA-P256", "RSA-PSS-2048", "Ed25519"):
        for side in ("client", "server"):
            name = f"prim/handshake-symmetric/{sig}/{side}"
            b = t.m.get(name, {})
            detail = ", ".join(f"{k} {int(b[k])}" for k in ("hash_contexts", "hash_updates", "hash_peeks", "hmac",
                                                            "hkdf", "aead_keys", "records", "keygen", "agree",
                                                            "verify") if k in b)
            t.add(f"symmetric crypto of one {side} handshake, {sig} ({detail})", "µs", t.get(name, "us"), None, "-")
    return t


def fmt(v):
    if v is None:
        return "–"
    if isinstance(v, str):
        return v
    if abs(v) >= 100:
        return f"{v:,.0f}"
    return f"{v:,.2f}"


def markdown(rows, header):
    out = [header, "", "| case | unit | qtls | baseline | baseline value | ratio (>1: qtls better) |",
           "|---|---|---:|---|---:|---:|"]
    for r in rows:
        out.append(f"| {r['case']} | {r['unit']} | {fmt(r['qtls'])} | {r['baseline_name']} | {fmt(r['baseline'])} "
                   f"| {fmt(r['ratio'])} |")
    return "\n".join(out)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--json-out", required=True)
    ap.add_argument("--md-out")
    ap.add_argument("--header", default="")
    ap.add_argument("inputs", nargs="+")
    args = ap.parse_args()
    medians, errors, _ = load(args.inputs)
    table = build(medians, errors)
    with open(args.json_out, "w") as f:
        json.dump(table.rows, f, indent=1, ensure_ascii=False)
        f.write("\n")
    md = markdown(table.rows, args.header)
    if errors:
        md += "\n\nBenchmarks that failed:\n" + "\n".join(f"- {k}: {v}" for k, v in sorted(errors.items()))
    if args.md_out:
        with open(args.md_out, "w") as f:
            f.write(md + "\n")
    print(md)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
