#pragma once
// One HTTP/1.1 connection. Internal to api/http.
//
// Reads requests one after another and hands each to the application's handler once the
// handler has answered the one before it: requests pipelined on a connection are handled in
// order, one at a time, so each sees the effects of those before it (a PUT then a GET, two
// PUTs at consecutive versions, a logout then a request with the same token) -- RFC 9112
// 9.3.2 allows parallel handling only for safe methods. Responses are written back in
// request order; reading pauses while a request is in the handler, or kMaxPendingResponses
// responses or kMaxPendingBytes of them wait to be written.
//
// Timeouts: between requests the connection may stay idle for idle_timeout, but only while
// no response is pending, and is then closed without an answer; once a request's first byte
// arrives, the whole request must arrive within request_timeout or is answered 408 and the
// connection closed (closed at once if a response is being written then); each response
// must be written within request_timeout.
//
// Refusals the server makes itself, each a problem body followed by closing the connection
// (nothing after them on the connection is read as a request): 400 for what is not valid
// HTTP/1.1 or has ambiguous framing (request_framing.hpp), 408, 413 over body_limit, 431
// over header_limit (or a chunk header or trailer over unparsed_limit(), or a field over 65,533
// bytes), 400 for a trailer with fields, and 503 for a connection
// over max_connections (refuse()).
//
// Threads: every member runs on the connection's strand, except post_response(), which any
// thread may call (it posts to the strand). Lifetime: owned by its pending asynchronous
// operations; responders hold only a weak_ptr.

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "api/http/beast_conversion.hpp"
#include "api/http/server_context.hpp"

namespace orgd::api::http_detail {

class Session : public std::enable_shared_from_this<Session> {
 public:
  // Responses that may wait to be written at once; past this, reading pauses.
  static constexpr std::size_t kMaxPendingResponses = 16;
  // Bytes of responses that may wait to be written (one response, however large, may always
  // wait); past this, reading pauses. A client that pipelines requests for large answers and
  // reads none held 16 of them per connection (2 MB of listings, 27 MB of static files).
  static constexpr std::size_t kMaxPendingBytes = 256 * 1024;

  Session(boost::asio::ip::tcp::socket&& socket, std::shared_ptr<ServerContext> context);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Starts reading (on the strand).
  void run();
  // Answers 503 at once and closes, reading nothing: the server is at max_connections.
  void refuse();
  // Completes request number `sequence` with `response`, or with a 500 problem when the
  // handler's Responder was dropped (nullopt); `route`: the template it matched, if any.
  // Any thread.
  void post_response(std::uint64_t sequence, std::optional<HttpResponse> response,
                     std::string_view route);

 private:
  struct Pending {
    std::uint64_t sequence;
    std::string trace_id;
    std::string path;  // problem `instance` if the handler never answers
    bool keep_alive;
    bool head;
    std::optional<WireResponse> response;   // set once complete
    std::string method;                     // for ServerOptions::on_response
    std::chrono::steady_clock::time_point arrived{};
  };

  void do_read();
  [[nodiscard]] bool handling() const;
  void resume_reading();
  void wait_for_request();
  void on_first_bytes(boost::beast::error_code ec, std::size_t bytes);
  void start_request_clock();
  void wait_for_request_deadline();
  void on_request_timer(boost::beast::error_code ec);
  void read_header();
  void on_header_bytes(boost::beast::error_code ec, std::size_t bytes);
  void on_header();
  [[nodiscard]] bool answered_from_head();
  // The request's client: the peer, or whom a trusted proxy's X-Forwarded-For names.
  [[nodiscard]] std::string client_of(const BeastRequest& request) const;
  void send_continue();
  void on_continue_sent(boost::beast::error_code ec, std::size_t bytes);
  void read_body();
  void on_body_bytes(boost::beast::error_code ec, std::size_t bytes);
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_read_error(boost::beast::error_code ec);

  void dispatch(BeastRequest&& request);
  // Answers a request the parser refused (400, 413, 431), then closes.
  void reject(boost::beast::error_code ec);
  // Answers with a problem the server makes itself, then closes.
  void reject(int status, std::string_view slug, std::string_view title, std::string detail);
  void answer_and_stop_reading(std::string trace_id, std::string path, std::string method,
                               bool head, HttpResponse response);
  // Slots a response into its place; nullopt means a 500 explaining `failure`.
  void complete(std::uint64_t sequence, std::optional<HttpResponse> response,
                std::string_view failure, std::string_view route = {});
  void report(const Pending& pending, int status, std::string_view route) const;

  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);

  void hold_until_answered();
  void arm_idle_timer();
  void wait_for_idle_deadline();
  void on_idle_timer(boost::beast::error_code ec);
  void close_gracefully();
  void drain();
  void on_drain(boost::beast::error_code ec, std::size_t bytes);
  void close_now();

  const boost::asio::any_io_executor strand_;  // copy of stream_'s, for other threads
  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;  // at most unparsed_limit(): what parse_* has not taken
  // Both timers are armed lazily: a request moves a deadline, and a timer that wakes before
  // its deadline waits again until it. Re-arming and cancelling them for every request (each
  // cancel a completion through the strand) was ~6 % of a GET's instructions. Only closing
  // cancels them (a pending wait keeps the session alive).
  boost::asio::steady_timer idle_timer_;     // idle_deadline_
  boost::asio::steady_timer request_timer_;  // request_deadline_ of the request being read
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::deque<Pending> pending_;
  std::shared_ptr<ServerContext> context_;
  std::string remote_address_;
  // Whether the peer is a trusted proxy: then each request's X-Forwarded-For names its client.
  bool peer_is_trusted_proxy_{false};
  std::chrono::steady_clock::time_point request_deadline_;
  std::chrono::steady_clock::time_point idle_deadline_;
  std::uint64_t next_sequence_{0};
  std::size_t drained_bytes_{0};
  std::size_t pending_bytes_{0};  // of the responses complete and not wholly written
  std::size_t head_bytes_{0};     // of the request being read, parsed so far
  std::size_t header_fields_{0};  // in its head, once complete (a trailer must add none)
  std::size_t lf_checked_{0};     // of its body's unparsed bytes (parse_body)
  bool awaiting_request_{false};  // a read for the next request's first byte is pending
  bool reading_request_{false};   // a request has begun and is not wholly read yet
  bool timed_out_{false};         // its request_timeout passed: answer 408, whatever the read says
  bool read_paused_{false};       // a request in the handler, or too many responses to write
  bool reading_done_{false};      // no further request will be read
  bool writing_{false};
  bool closed_{false};
  bool idle_timer_waiting_{false};
  bool request_timer_waiting_{false};
};

}  // namespace orgd::api::http_detail
