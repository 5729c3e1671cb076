#include "api/http/beast_conversion.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/rfc7230.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/verb.hpp>
#include <string>

#include "api/http/trace_context.hpp"

namespace orgd::api::http_detail {
namespace http = boost::beast::http;

namespace {

HttpMethod to_method(http::verb verb) {
  switch (verb) {
    case http::verb::get:
      return HttpMethod::get;
    case http::verb::head:
      return HttpMethod::head;
    case http::verb::post:
      return HttpMethod::post;
    case http::verb::put:
      return HttpMethod::put;
    case http::verb::patch:
      return HttpMethod::patch;
    case http::verb::delete_:
      return HttpMethod::del;
    case http::verb::options:
      return HttpMethod::options;
    default:
      return HttpMethod::other;
  }
}

std::string header_value(const BeastRequest& request, std::string_view name) {
  const auto it = request.find(name);
  return it == request.end() ? std::string{} : std::string(it->value());
}

// Headers the server writes itself; a handler's copy would contradict them.
constexpr std::array<std::string_view, 6> kReservedHeaders = {
    "content-length", "transfer-encoding", "connection", "server", "x-trace-id", "content-type"};

bool is_acceptable_extra_header(std::string_view name, std::string_view value) {
  const auto unsafe = [](std::string_view text) {
    return text.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
  };
  if (name.empty() || unsafe(name) || unsafe(value)) return false;
  return std::ranges::none_of(kReservedHeaders, [name](std::string_view reserved) {
    return boost::beast::iequals(name, reserved);
  });
}

}  // namespace

std::string origin_form(std::string_view target) {
  for (const std::string_view scheme : {"http://", "https://"}) {
    if (target.size() < scheme.size() ||
        !boost::beast::iequals(target.substr(0, scheme.size()), scheme)) {
      continue;
    }
    const auto rest = target.substr(scheme.size());
    const auto path = rest.find_first_of("/?");
    if (path == std::string_view::npos) return "/";
    return rest[path] == '/' ? std::string(rest.substr(path))
                             : "/" + std::string(rest.substr(path));
  }
  return std::string(target);
}

HttpRequest to_http_request(BeastRequest&& request, std::string_view remote_address) {
  HttpRequest out;
  out.method = to_method(request.method());
  out.method_name = std::string(request.method_string());
  out.target = origin_form(request.target());
  const auto question = out.target.find('?');
  out.path = out.target.substr(0, question);
  if (question != std::string::npos) out.query = out.target.substr(question + 1);
  out.authorization = header_value(request, "Authorization");
  out.content_type = header_value(request, "Content-Type");
  out.if_match = header_value(request, "If-Match");
  if (const auto key = request.find("Idempotency-Key"); key != request.end()) {
    out.idempotency_key = std::string(key->value());
  }
  out.traceparent = header_value(request, "traceparent");
  out.body = std::move(request.body());
  out.remote_address = std::string(remote_address);
  auto chosen = trace_id_from_traceparent(out.traceparent);
  out.trace_id = chosen ? std::move(*chosen) : new_trace_id();
  out.correlation_id = correlation_id_for(out.trace_id, chosen.has_value());
  return out;
}

std::string header_lines(const std::vector<std::pair<std::string, std::string>>& headers) {
  std::string lines;
  for (const auto& [name, value] : headers) {
    if (!is_acceptable_extra_header(name, value)) continue;
    lines += name;
    lines += ": ";
    lines += value;
    lines += "\r\n";
  }
  return lines;
}

bool keeps_alive(const BeastRequest& request) {
  if (request.version() < 11) return false;
  const auto [first, last] = request.equal_range(http::field::connection);
  for (auto field = first; field != last; ++field) {
    for (const auto& token : http::token_list(field->value())) {
      if (boost::beast::iequals(token, "close")) return false;
    }
  }
  return true;
}

WireResponse to_wire(HttpResponse&& response, const ResponseFraming& framing) {
  const int status = response.status >= 200 && response.status <= 599 ? response.status : 500;
  const auto reason = http::obsolete_reason(static_cast<http::status>(status));
  WireResponse wire;
  std::string& head = wire.head;
  head.reserve(128 + framing.trace_id.size() + framing.fixed_headers.size() +
               response.content_type.size());
  head += "HTTP/1.1 ";
  head += std::to_string(status);
  head += ' ';
  head.append(reason.data(), reason.size());
  head += "\r\nServer: orgd\r\nX-Trace-Id: ";
  head += framing.trace_id;
  head += "\r\n";
  head += framing.fixed_headers;
  if (!framing.keep_alive) head += "Connection: close\r\n";
  for (const auto& [name, value] : response.headers) {
    if (!is_acceptable_extra_header(name, value)) continue;
    head += name;
    head += ": ";
    head += value;
    head += "\r\n";
  }
  if (status != 204 && status != 304) {  // no content: no body, no length, no type
    head += "Content-Type: ";
    head += response.content_type;
    head += "\r\nContent-Length: ";
    head += std::to_string(response.body_text().size());
    head += "\r\n";
    if (!framing.head) {
      wire.body = std::move(response.body);
      wire.shared_body = std::move(response.shared_body);
    }
  }
  head += "\r\n";
  return wire;
}

}  // namespace orgd::api::http_detail
