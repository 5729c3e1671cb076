// Writes the seed corpus of every fuzz target (committed under tests/fuzz/corpus/<target>/):
//   orgd_fuzz_seeds tests/fuzz/corpus
// Run it again after adding a command route or an event type. Each seed is small and valid,
// so the fuzzer starts from inputs that reach deep into the code, and mutates from there.

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <variant>

#include "domain/event.hpp"
#include "domain/event_codec.hpp"
#include "eventstore/envelope_codec.hpp"
#include "tests/fuzz/command_routes.hpp"

namespace {

namespace fs = std::filesystem;

void write_seed(const fs::path& dir, const std::string& name, char first, std::string_view rest) {
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary | std::ios::trunc);
  out.put(first);
  out.write(rest.data(), static_cast<std::streamsize>(rest.size()));
}

// "PUT /api/v1/organizations/{id}" -> "put-organizations-id"
std::string slug(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    const bool keep = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    if (keep) out += c;
    if (!keep && !out.empty() && out.back() != '-') out += '-';
  }
  if (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

void command_bodies(const fs::path& dir) {
  for (std::size_t i = 0; i < orgd::fuzz::kCommandRoutes.size(); ++i) {
    const auto& route = orgd::fuzz::kCommandRoutes[i];
    const std::string name =
        (i < 10 ? "0" : "") + std::to_string(i) + "-" +
        slug(std::string(route.method).append(route.path_template.substr(7))) +  // no "/api/v1"
        (route.anonymous ? "-anonymous" : "");
    write_seed(dir, name, static_cast<char>(i), route.seed_body);
  }
}

// Raw requests, each with the byte that precedes it in the input (see http_request_fuzz.cpp):
// 0 = all bytes at once with the server's limits; 7 = pieces of 7 bytes; 0x80 = small limits.
struct RawRequest {
  std::string_view name;
  char mode;
  std::string_view bytes;
};

constexpr std::string_view kJsonPost =
    "POST /api/v1/organizations/0190a3c4-0000-7000-8000-000000000001/members HTTP/1.1\r\n"
    "Host: localhost\r\nContent-Type: application/json\r\nContent-Length: 15\r\n"
    "Authorization: Bearer x.y\r\nIf-Match: \"3\"\r\nIdempotency-Key: k1\r\n\r\n"
    "{\"customerId\":1}";

constexpr RawRequest kRawRequests[] = {
    {"get-query", 0,
     "GET /api/v1/organizations?page=2&pageSize=10&q=acme+corp&cursor=a%2Fb HTTP/1.1\r\n"
     "Host: localhost\r\n\r\n"},
    {"post-json", 0, kJsonPost},
    {"post-json-pieces", 7, kJsonPost},
    {"put-percent-path", 0,
     "PUT /api/v1/organizations/%41bc/members/caf%C3%A9/role HTTP/1.1\r\nHost: h\r\n"
     "Content-Length: 2\r\n\r\n{}"},
    {"chunked", 0,
     "PATCH /api/v1/organizations/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
     "\r\n4\r\n{\"a\"\r\n3\r\n:1}\r\n0\r\n\r\n"},
    {"pipelined", 0,
     "GET /api/v1/sessions/current HTTP/1.1\r\nHost: h\r\n\r\n"
     "HEAD /api/v1/sessions/abc HTTP/1.1\r\nHost: h\r\n\r\n"
     "DELETE /api/v1/organizations/1 HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n"},
    {"traceparent", 0,
     "GET / HTTP/1.1\r\nHost: h\r\n"
     "traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\r\n\r\n"},
    {"expect-continue-http10", 0,
     "POST /api/v1/organizations HTTP/1.0\r\nExpect: 100-continue\r\n"
     "Content-Length: 2\r\n\r\n{}"},
    {"small-limits-body", static_cast<char>(0x80),
     "POST /api/v1/organizations HTTP/1.1\r\nHost: h\r\nContent-Length: 80\r\n\r\n"
     "{\"name\":\"a body of 80 bytes, over the 64 of the small limits .................\"}"},
    {"malformed", 0, "GET /a b HTTP/1.1\r\n\r\n"},
    {"obs-fold", 0, "GET / HTTP/1.1\r\nHost: h\r\nX-A: a\r\n b\r\n\r\n"},
    {"te-in-http10", 0, "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"},
    {"two-hosts", 0, "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"},
};

void http_request(const fs::path& dir) {
  for (const auto& request : kRawRequests) {
    write_seed(dir, std::string(request.name), request.mode, request.bytes);
  }
}

// Byte 0 odd: 2 * (type index) + 1 and a payload; byte 0 even: a stored envelope value.
void event_decoding(const fs::path& dir) {
  std::size_t index = 0;
  const auto one = [&]<class T>() {
    const auto encoded = orgd::domain::encode_event(T{});
    write_seed(dir, std::string(T::kType), static_cast<char>(2 * index + 1), encoded.payload);
    orgd::eventstore::Envelope envelope;
    envelope.position = index + 1;
    envelope.stream_id = "organization-0190a3c4-0000-7000-8000-000000000001";
    envelope.version = 1;
    envelope.type = encoded.type;
    envelope.schema_version = encoded.schema_version;
    envelope.timestamp_ms = 1767225600000;
    envelope.actor = "system";
    envelope.correlation_id = "4bf92f3577b34da6a3ce929d0e0e4736";
    envelope.payload = encoded.payload;
    const std::string stored = orgd::eventstore::seal_envelope(envelope, {});
    write_seed(dir, std::string(T::kType) + ".envelope", 0, stored);
    ++index;
  };
  []<class... Ts>(std::variant<Ts...>*, auto& each) { (each.template operator()<Ts>(), ...); }(
      static_cast<orgd::domain::Event*>(nullptr), one);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s <corpus directory>\n", argv[0]);
    return 2;
  }
  const fs::path root = argv[1];
  command_bodies(root / "command_bodies");
  http_request(root / "http_request");
  event_decoding(root / "event_decoding");
  return 0;
}
