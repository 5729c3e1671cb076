#include "api/http/session.hpp"

#include <algorithm>
#include <array>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>

#include "api/http/problem.hpp"
#include "api/http/request_parser.hpp"
#include "api/http/trace_context.hpp"

namespace orgd::api::http_detail {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// How much to ask for at a time while reading a request head.
constexpr std::size_t kReadSize = 8192;
// After a final response we read (and discard) what the client is still sending for a
// while before closing: closing with unread data makes the kernel send RST, which can
// destroy our response (a 413, typically) before the client reads it.
constexpr auto kLingerTimeout = std::chrono::seconds(2);
constexpr std::size_t kLingerLimit = 8u << 20;
constexpr std::size_t kDrainChunk = 16u << 10;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

// The Responder's link to its session: a weak reference, so a response that arrives after
// the connection closed (or the server stopped) is dropped instead of touching freed state.
class SessionSink final : public Responder::Sink {
 public:
  SessionSink(std::weak_ptr<Session> session, std::uint64_t sequence,
              std::shared_ptr<Lifeline> lifeline)
      : session_(std::move(session)), sequence_(sequence), lifeline_(std::move(lifeline)) {}

  void send(HttpResponse response) override { deliver(std::move(response)); }
  void abandon() override { deliver(std::nullopt); }
  // Before send() or abandon(), which publish it to the strand with the response.
  void matched(std::string_view route_template) override { route_ = route_template; }

 private:
  void deliver(std::optional<HttpResponse> response) {
    lifeline_->post_unless_stopped([&] {
      if (auto session = session_.lock()) {
        session->post_response(sequence_, std::move(response), route_);
      }
    });
  }

  std::weak_ptr<Session> session_;
  std::uint64_t sequence_;
  std::shared_ptr<Lifeline> lifeline_;
  std::string_view route_;
};

bool is_parse_error(beast::error_code ec) {
  return ec.category() == http::make_error_code(http::error::bad_target).category();
}

// In one form whoever the peer is: an IPv4 client of a dual-stack socket as IPv4.
std::string remote_address_of(const tcp::socket& socket) {
  beast::error_code ec;
  const auto endpoint = socket.remote_endpoint(ec);
  if (ec) return {};
  const std::string text = endpoint.address().to_string();
  const auto parsed = parse_ip(text);
  return parsed ? ip_text(*parsed) : text;
}

}  // namespace

Session::Session(tcp::socket&& socket, std::shared_ptr<ServerContext> context)
    : strand_(socket.get_executor()),
      stream_(std::move(socket)),
      buffer_(unparsed_limit(context->options)),
      idle_timer_(strand_),
      request_timer_(strand_),
      context_(std::move(context)),
      remote_address_(remote_address_of(stream_.socket())) {
  if (const auto& proxies = context_->options.trusted_proxies; !proxies.empty()) {
    const auto peer = parse_ip(remote_address_);
    peer_is_trusted_proxy_ = peer && proxies.contains(*peer);
  }
  ++context_->open_connections;
  beast::error_code ignored;
  // Pipelined responses are small separate writes; Nagle would hold them back.
  stream_.socket().set_option(tcp::no_delay(true), ignored);
}

Session::~Session() { --context_->open_connections; }

void Session::run() {
  net::dispatch(strand_, beast::bind_front_handler(&Session::do_read, shared_from_this()));
}

void Session::refuse() {
  net::dispatch(strand_, [self = shared_from_this()] {
    self->parser_.emplace();  // reject() reads the (empty) request line from it
    self->reject(503, "service-unavailable", "service unavailable",
                 "the server has reached its limit of " +
                     std::to_string(self->context_->options.max_connections) +
                     " open connections; retry later");
  });
}

void Session::post_response(std::uint64_t sequence, std::optional<HttpResponse> response,
                            std::string_view route) {
  net::post(strand_,
            [self = shared_from_this(), sequence, route, response = std::move(response)]() mutable {
              self->complete(sequence, std::move(response),
                             "the request handler did not produce a response", route);
            });
}

// ---- reading ---------------------------------------------------------------------------

void Session::do_read() {
  if (closed_ || reading_done_) return;
  if (pending_.size() >= kMaxPendingResponses || pending_bytes_ >= kMaxPendingBytes || handling()) {
    read_paused_ = true;
    return hold_until_answered();  // nothing else of ours may be pending meanwhile
  }
  parser_.emplace();
  limit_parser(*parser_, context_->options);
  head_bytes_ = 0;
  lf_checked_ = 0;
  if (buffer_.size() == 0) return wait_for_request();
  // A pipelined request is already (partly) buffered: its clock starts now.
  start_request_clock();
  read_header();
}

void Session::wait_for_request() {
  awaiting_request_ = true;
  // No read deadline while waiting: the idle timer decides, and only when nothing is pending.
  stream_.expires_never();
  if (pending_.empty() && !writing_) arm_idle_timer();
  stream_.async_read_some(buffer_.prepare(kReadSize),
                          beast::bind_front_handler(&Session::on_first_bytes, shared_from_this()));
}

void Session::on_first_bytes(beast::error_code ec, std::size_t bytes) {
  awaiting_request_ = false;  // the idle timer, when it wakes, leaves the session alone
  if (ec) return on_read_error(ec);
  buffer_.commit(bytes);
  start_request_clock();
  read_header();
}

// The request timer, not the stream's own expiry, bounds reading a request: an expired
// tcp_stream closes its socket, and then no 408 could be sent.
void Session::start_request_clock() {
  reading_request_ = true;
  request_deadline_ = std::chrono::steady_clock::now() + context_->options.request_timeout;
  stream_.expires_never();
  // A timer still waiting wakes at an earlier request's deadline (deadlines only move later)
  // and then waits on.
  if (!request_timer_waiting_) wait_for_request_deadline();
}

void Session::wait_for_request_deadline() {
  request_timer_waiting_ = true;
  request_timer_.expires_at(request_deadline_);
  request_timer_.async_wait(
      beast::bind_front_handler(&Session::on_request_timer, shared_from_this()));
}

void Session::on_request_timer(beast::error_code ec) {
  request_timer_waiting_ = false;
  if (ec || closed_ || !reading_request_) return;
  if (request_deadline_ > std::chrono::steady_clock::now()) return wait_for_request_deadline();
  timed_out_ = true;
  // Cancelling would also abort the response being written, which must stay whole.
  if (writing_) return close_now();
  stream_.cancel();  // the pending read completes, and its handler answers 408
}

// Beast's async_read_header would do, but it consumes the raw head, and has_obs_fold needs
// it: so the head is fed to the parser here (parse_head), each part it consumed checked.
void Session::read_header() {
  if (buffer_.size() > 0) {
    const HeadStep step =
        parse_head(*parser_, {static_cast<const char*>(buffer_.data().data()), buffer_.size()},
                   head_bytes_, context_->options);
    buffer_.consume(step.used);
    if (!step.malformed.empty()) {
      return reject(400, "malformed-request", "malformed request",
                    "the request is not valid HTTP/1.1: " + step.malformed);
    }
    if (step.error) return on_read_error(step.error);
    if (step.complete) {
      header_fields_ = step.header_fields;
      return on_header();
    }
  }
  stream_.expires_never();  // a response written meanwhile may have set it
  // Never empty: parse_head fails past header_limit, and the buffer holds that and more.
  stream_.async_read_some(buffer_.prepare(beast::read_size(buffer_, kReadSize)),
                          beast::bind_front_handler(&Session::on_header_bytes, shared_from_this()));
}

void Session::on_header_bytes(beast::error_code ec, std::size_t bytes) {
  if (timed_out_) return on_read_error(ec);
  if (ec == net::error::eof) {
    return on_read_error(parser_->got_some() ? http::error::partial_message
                                             : http::error::end_of_stream);
  }
  if (ec) return on_read_error(ec);
  buffer_.commit(bytes);
  read_header();
}

void Session::on_header() {
  // curl and others wait for "100 Continue" before sending a large body. Interleaving it
  // with pipelined responses would be ambiguous, so then we let the client time out and
  // send anyway.
  const bool expects_continue = beast::iequals(parser_->get()[http::field::expect], "100-continue");
  // An HTTP/1.0 client does not know 100 Continue (RFC 9110 10.1.1).
  if (expects_continue && parser_->get().version() >= 11 && pending_.empty() && !writing_) {
    if (answered_from_head()) return;
    return send_continue();
  }
  read_body();
}

// Only a trusted proxy's requests are looked into: from anyone else the header is ignored.
std::string Session::client_of(const BeastRequest& request) const {
  if (!peer_is_trusted_proxy_) return remote_address_;
  std::string forwarded_for;
  for (auto [field, end] = request.equal_range("X-Forwarded-For"); field != end; ++field) {
    if (!forwarded_for.empty()) forwarded_for += ',';
    forwarded_for += field->value();
  }
  return client_address(remote_address_, forwarded_for, context_->options.trusted_proxies);
}

// A client told no "100 Continue" need not send its body at all: for a request its head
// already refuses, the final answer goes instead, and the connection closes after it.
bool Session::answered_from_head() {
  const auto& decide = context_->options.answer_before_body;
  if (!decide) return false;
  HttpRequest head =
      to_http_request(BeastRequest(parser_->get().base()), client_of(parser_->get()));
  std::optional<HttpResponse> answer;
  try {
    answer = decide(head);
  } catch (...) {  // NOLINT(bugprone-empty-catch): the body is read and the handler decides
  }
  if (!answer) return false;
  const bool is_head = head.method == HttpMethod::head;
  answer_and_stop_reading(std::move(head.trace_id), std::move(head.path),
                          std::move(head.method_name), is_head, std::move(*answer));
  return true;
}

void Session::send_continue() {
  writing_ = true;
  stream_.expires_at(request_deadline_);
  net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                   beast::bind_front_handler(&Session::on_continue_sent, shared_from_this()));
}

void Session::on_continue_sent(beast::error_code ec, std::size_t /*bytes*/) {
  writing_ = false;
  if (ec || closed_) return close_now();
  read_body();
}

// The body is fed to the parser here rather than by Beast's async_read, which would buffer a
// chunk header or trailer of any size and let Beast's std::length_error for a field over
// 64 KiB escape into the I/O thread (parse_body bounds both). A request whose body is already
// buffered (most are, and a GET has none) is also whole at once, without async_read's round
// trip through the strand. A pipelined request already buffered waits for the answer to the
// one before it: do_read() pauses while a request is in the handler.
void Session::read_body() {
  const BodyStep step =
      parse_body(*parser_, {static_cast<const char*>(buffer_.data().data()), buffer_.size()},
                 buffer_.size() >= buffer_.max_size(), header_fields_, lf_checked_);
  buffer_.consume(step.used);
  if (!step.malformed.empty()) {
    return reject(400, "malformed-request", "malformed request", step.malformed);
  }
  if (step.error) return on_read_error(step.error);
  if (step.complete) return on_read({}, 0);
  stream_.expires_never();
  stream_.async_read_some(buffer_.prepare(beast::read_size(buffer_, kBodyReadSize)),
                          beast::bind_front_handler(&Session::on_body_bytes, shared_from_this()));
}

void Session::on_body_bytes(beast::error_code ec, std::size_t bytes) {
  if (timed_out_) return on_read_error(ec);
  if (ec == net::error::eof) return on_read_error(http::error::partial_message);
  if (ec) return on_read_error(ec);
  buffer_.commit(bytes);
  read_body();
}

void Session::on_read(beast::error_code ec, std::size_t /*bytes*/) {
  if (ec || timed_out_) return on_read_error(ec);
  reading_request_ = false;  // the request timer, when it wakes, stops
  dispatch(parser_->release());
}

void Session::on_read_error(beast::error_code ec) {
  if (closed_) return;
  if (timed_out_) {
    return reject(408, "request-timeout", "request timeout",
                  "the request did not arrive within " +
                      std::to_string(context_->options.request_timeout.count()) + " s");
  }
  if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
      ec == net::error::eof) {
    // The client has finished sending: answer what it already asked, then close.
    reading_done_ = true;
    if (pending_.empty() && !writing_) return close_gracefully();
    return hold_until_answered();
  }
  if (is_parse_error(ec)) return reject(ec);
  close_now();  // timeout, reset, or cancelled by close
}

// ---- requests and responses --------------------------------------------------------------

void Session::dispatch(BeastRequest&& request) {
  const bool keep_alive = keeps_alive(request);
  const bool head = request.method() == http::verb::head;
  const std::string client = client_of(request);
  HttpRequest http_request = to_http_request(std::move(request), client);
  const std::uint64_t sequence = next_sequence_++;
  pending_.push_back(Pending{sequence,
                             http_request.trace_id,
                             http_request.path,
                             keep_alive,
                             head,
                             {},
                             http_request.method_name,
                             std::chrono::steady_clock::now()});
  if (!keep_alive) reading_done_ = true;

  Responder respond(std::make_shared<SessionSink>(weak_from_this(), sequence, context_->lifeline));
  try {
    context_->handler(std::move(http_request), std::move(respond));
  } catch (...) {
    // The handler contract forbids throwing; nothing may unwind into Asio, so answer 500
    // and keep serving. (If the handler had already responded, its response loses.)
    complete(sequence, std::nullopt, "the request handler failed");
  }
  if (reading_done_) return hold_until_answered();
  do_read();
}

void Session::reject(beast::error_code ec) {
  const auto& options = context_->options;
  if (ec == http::error::body_limit) {
    return reject(413, "payload-too-large", "payload too large",
                  "the request body exceeds " + std::to_string(options.body_limit) + " bytes");
  }
  if (ec == http::error::header_limit) {
    return reject(
        431, "request-header-fields-too-large", "request header fields too large",
        "the request line and headers exceed " + std::to_string(options.header_limit) + " bytes");
  }
  if (ec == http::error::buffer_overflow) {
    return reject(431, "request-header-fields-too-large", "request header fields too large",
                  "a header or trailer field exceeds 65533 bytes, or a chunk header with its "
                  "extensions or the trailer exceed the " +
                      std::to_string(unparsed_limit(options)) + " bytes buffered");
  }
  reject(400, "malformed-request", "malformed request",
         "the request is not valid HTTP/1.1: " + ec.message());
}

void Session::reject(int status, std::string_view slug, std::string_view title,
                     std::string detail) {
  // Whatever the parser got before failing (target, headers) may already be in its message.
  const std::string target = origin_form(parser_->get().target());
  const std::string path = target.substr(0, target.find('?'));
  std::string trace_id =
      trace_id_from_traceparent(parser_->get()["traceparent"]).value_or(new_trace_id());
  HttpResponse problem = problem_response(status, slug, title, detail, path, trace_id);
  if (status == 503) problem.headers.emplace_back("Retry-After", "1");
  answer_and_stop_reading(std::move(trace_id), path, std::string(parser_->get().method_string()),
                          false, std::move(problem));
}

// The last answer on this connection, which closes once it is written.
void Session::answer_and_stop_reading(std::string trace_id, std::string path, std::string method,
                                      bool head, HttpResponse response) {
  reading_done_ = true;
  reading_request_ = false;
  const std::uint64_t sequence = next_sequence_++;
  pending_.push_back(Pending{sequence,
                             std::move(trace_id),
                             std::move(path),
                             false,
                             head,
                             {},
                             std::move(method),
                             std::chrono::steady_clock::now()});
  complete(sequence, std::move(response), "");
}

void Session::complete(std::uint64_t sequence, std::optional<HttpResponse> response,
                       std::string_view failure, std::string_view route) {
  const auto slot = std::ranges::find(pending_, sequence, &Pending::sequence);
  if (slot == pending_.end() || slot->response) return;  // connection gone, or answered
  if (!response) {
    response = problem_response(500, "internal-error", "internal server error", failure, slot->path,
                                slot->trace_id);
  }
  const int status = response->status;
  slot->response = to_wire(std::move(*response),
                           {slot->trace_id, slot->keep_alive, slot->head, context_->fixed_headers});
  pending_bytes_ += slot->response->head.size() + slot->response->body_bytes().size();
  report(*slot, status, route);
  do_write();
  resume_reading();
}

// A request is in the handler: the last one dispatched, as they are handled one at a time.
bool Session::handling() const { return !pending_.empty() && !pending_.back().response; }

void Session::resume_reading() {
  if (!read_paused_) return;
  read_paused_ = false;
  do_read();
}

void Session::report(const Pending& pending, int status, std::string_view route) const {
  const auto& observe = context_->options.on_response;
  if (!observe) return;
  try {
    observe(CompletedRequest{pending.method, pending.path, pending.trace_id, route, status,
                             std::chrono::steady_clock::now() - pending.arrived});
  } catch (...) {  // NOLINT(bugprone-empty-catch): an observer must not take the connection down
  }
}

// ---- writing -----------------------------------------------------------------------------

void Session::do_write() {
  if (writing_ || closed_ || pending_.empty() || !pending_.front().response) return;
  writing_ = true;
  stream_.expires_after(context_->options.request_timeout);
  const WireResponse& response = *pending_.front().response;
  const std::array<net::const_buffer, 2> buffers{net::buffer(response.head),
                                                 net::buffer(response.body_bytes())};
  net::async_write(stream_, buffers,
                   beast::bind_front_handler(&Session::on_write, shared_from_this()));
}

void Session::on_write(beast::error_code ec, std::size_t /*bytes*/) {
  writing_ = false;
  if (ec) return close_now();
  const WireResponse& written = *pending_.front().response;
  pending_bytes_ -= written.head.size() + written.body_bytes().size();
  const bool keep_alive = pending_.front().keep_alive;
  pending_.pop_front();
  if (!keep_alive) return close_gracefully();
  do_write();
  resume_reading();
  if (writing_ || !pending_.empty()) return;
  if (reading_done_) {
    close_gracefully();
  } else if (awaiting_request_) {
    arm_idle_timer();
  }
}

// ---- idleness and closing ----------------------------------------------------------------

// A session lives as long as an operation of its own is pending; responders hold only a weak
// reference. Once reading has stopped ("Connection: close", HTTP/1.0, a half-closed client) or
// paused (a request in the handler), a handler still working would otherwise find the session
// gone and its answer dropped. This wait, cancelled by closing, keeps it until the connection
// is idle again (arm_idle_timer) or closed.
void Session::hold_until_answered() {
  if (closed_) return;
  idle_deadline_ = std::chrono::steady_clock::time_point::max();
  if (!idle_timer_waiting_) wait_for_idle_deadline();
}

void Session::arm_idle_timer() {
  idle_deadline_ = std::chrono::steady_clock::now() + context_->options.idle_timeout;
  if (!idle_timer_waiting_) return wait_for_idle_deadline();
  // A timer waiting for a later deadline (a hold) is cancelled, and waits again from
  // on_idle_timer; one waiting for an earlier deadline wakes then, and waits on.
  if (idle_timer_.expiry() > idle_deadline_) idle_timer_.cancel();
}

void Session::wait_for_idle_deadline() {
  idle_timer_waiting_ = true;
  idle_timer_.expires_at(idle_deadline_);
  idle_timer_.async_wait(beast::bind_front_handler(&Session::on_idle_timer, shared_from_this()));
}

void Session::on_idle_timer(beast::error_code ec) {
  idle_timer_waiting_ = false;
  if (closed_) return;
  if (ec == net::error::operation_aborted) return wait_for_idle_deadline();  // arm_idle_timer
  if (ec) return;
  if (idle_deadline_ > std::chrono::steady_clock::now()) return wait_for_idle_deadline();
  if (!awaiting_request_ || !pending_.empty() || writing_) return;
  close_now();
}

void Session::close_gracefully() {
  if (closed_) return;
  closed_ = true;
  idle_timer_.cancel();
  request_timer_.cancel();
  beast::error_code ec;
  stream_.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (ec) return close_now();
  buffer_.clear();
  stream_.expires_after(kLingerTimeout);  // one deadline for the whole drain
  drain();
}

void Session::drain() {
  stream_.async_read_some(buffer_.prepare(kDrainChunk),
                          beast::bind_front_handler(&Session::on_drain, shared_from_this()));
}

void Session::on_drain(beast::error_code ec, std::size_t bytes) {
  drained_bytes_ += bytes;
  if (ec || drained_bytes_ > kLingerLimit) return close_now();
  drain();
}

void Session::close_now() {
  closed_ = true;
  idle_timer_.cancel();
  request_timer_.cancel();
  beast::error_code ignored;
  stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  stream_.close();
}

}  // namespace orgd::api::http_detail
