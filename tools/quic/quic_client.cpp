// `qtls quic-client`: fetches URLs over QUIC on one connection, or on
// several (--resume / --early-data: a ticket-getting first connection and a
// resumed second one; --multiconnect: one per URL), all within --timeout.
#include <sys/stat.h>

#include <cstdio>
#include <string>
#include <vector>

#include "qtls/certs.h"
#include "qtls/config.h"
#include "quic_client_connection.h"
#include "quic_commands.h"
#include "quic_common.h"

namespace qtls::cli {

namespace {

// --insecure-skip-verify: accepts any chain. The engine still checks
// CertificateVerify against the leaf, so the peer must hold the key of the
// certificate it sent, but nobody vouches for that certificate.
class AcceptAnyCertificate final : public CertVerifier {
public:
    Status verify(std::span<const Bytes> chain, std::string_view) override {
        if (chain.empty()) return Error{Alert::bad_certificate, "empty certificate chain"};
        return {};
    }
};

std::string describe(const Error& e) { return std::string(e.what) + " (" + std::string(to_string(e.alert)) + ")"; }

std::shared_ptr<ClientConfig> build_config(const QuicOptions& o, std::shared_ptr<ClientSessionStore> store,
                                           std::string& error) {
    auto c = std::make_shared<ClientConfig>();
    if (!o.suites.empty()) c->cipher_suites = o.suites;
    c->alpn = o.alpn;
    c->keylog = keylog_for(o.keylog_file);
    c->session_store = std::move(store);
    // RFC 9001 §4.6.1: 0-RTT only on the connection that has a ticket.
    c->enable_early_data = o.early_data;
    if (o.insecure_skip_verify) {
        std::fprintf(stderr,
                     "qtls: WARNING: --insecure-skip-verify: the server certificate is not verified; anyone on the "
                     "path can impersonate the server\n");
        c->verifier = std::make_shared<AcceptAnyCertificate>();
        return c;
    }
    X509VerifierOptions v;
    v.ca_file = o.ca_file;
    v.system_roots = o.ca_file.empty();
    if (!o.ca_file.empty()) {
        struct stat st {};
        if (::stat(o.ca_file.c_str(), &st) != 0) {
            error = "cannot read --ca " + o.ca_file;
            return nullptr;
        }
    }
    auto verifier = x509_verifier(v);
    if (!verifier.ok()) {
        error = "trust store: " + describe(verifier.error());
        return nullptr;
    }
    c->verifier = *verifier;
    return c;
}

std::vector<Request*> pointers(std::vector<Request>& requests, std::size_t from, std::size_t to) {
    std::vector<Request*> out;
    for (std::size_t i = from; i < to; ++i) out.push_back(&requests[i]);
    return out;
}

}  // namespace

int run_quic_client(const QuicOptions& o) {
    const QuicUrl& origin = o.urls.front();
    ClientRun run;
    run.options = &o;
    run.deadline = quic_now() + static_cast<ngtcp2_duration>(o.timeout_s) * NGTCP2_SECONDS;
    run.server_name = o.sni.empty() ? origin.host : o.sni;
    run.tickets = std::make_shared<TicketCountingStore>();
    std::string error;
    auto config = build_config(o, run.tickets, error);
    if (!config) {
        std::fprintf(stderr, "qtls quic-client: %s\n", error.c_str());
        return 2;
    }
    if (Status st = validate(*config); !st.ok()) {
        std::fprintf(stderr, "qtls quic-client: invalid configuration: %s\n", describe(st.error()).c_str());
        return 2;
    }
    run.tls_config = config;
    if (!resolve_udp(origin.host, origin.port, run.remote, error)) {
        std::fprintf(stderr, "qtls quic-client: %s\n", error.c_str());
        return 1;
    }
    if (!o.download_dir.empty()) {
        struct stat st {};
        if (::stat(o.download_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
            std::fprintf(stderr, "qtls quic-client: --download %s is not a directory\n", o.download_dir.c_str());
            return 2;
        }
    }

    std::vector<Request> requests;
    for (const auto& url : o.urls) requests.push_back(Request{url});
    // --resume with a single URL: the second connection fetches it again.
    if (o.resume && requests.size() == 1) requests.push_back(Request{origin});

    bool connections_ok = true;
    if (o.multiconnect) {
        for (std::size_t i = 0; i < requests.size(); ++i) {
            ConnectionPlan plan;
            plan.requests = pointers(requests, i, i + 1);
            ConnectionOutcome outcome;
            connections_ok = run_client_connection(run, plan, outcome) && connections_ok;
        }
    } else if (o.resume) {
        ConnectionPlan first;
        first.requests = pointers(requests, 0, 1);
        first.wait_for_ticket = true;
        ConnectionOutcome outcome;
        connections_ok = run_client_connection(run, first, outcome);
        if (connections_ok && !outcome.ticket_received) {
            std::fprintf(stderr, "qtls quic-client: the server sent no session ticket\n");
            connections_ok = false;
        }
        if (connections_ok) {
            // Resumes from the ticket in run.tickets; 0-RTT with --early-data.
            ConnectionPlan second;
            second.requests = pointers(requests, 1, requests.size());
            ConnectionOutcome second_outcome;
            connections_ok = run_client_connection(run, second, second_outcome);
        }
    } else {
        ConnectionPlan plan;
        plan.requests = pointers(requests, 0, requests.size());
        ConnectionOutcome outcome;
        connections_ok = run_client_connection(run, plan, outcome);
    }

    std::size_t good = 0;
    for (const Request& r : requests)
        if (r.done && !r.failed && r.status == 200) ++good;
    if (good != requests.size()) {
        std::fprintf(stderr, "qtls quic-client: %zu of %zu requests succeeded\n", good, requests.size());
        return 1;
    }
    return connections_ok ? 0 : 1;
}

}  // namespace qtls::cli
