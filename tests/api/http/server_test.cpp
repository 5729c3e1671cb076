#include "api/http/server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

#include "api/http/problem.hpp"
#include "api/http/query_params.hpp"
#include "api/http/router.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/raw_connection.hpp"

namespace orgd::api {
namespace {

using namespace std::chrono_literals;
using test::HttpClient;
using test::send_raw;

ServerOptions test_options() {
  ServerOptions options;
  options.address = "127.0.0.1";
  options.port = 0;
  options.threads = 2;
  options.body_limit = 1024;
  options.header_limit = 1024;
  options.request_timeout = std::chrono::seconds(5);
  options.idle_timeout = std::chrono::seconds(1);
  return options;
}

HttpResponse text(std::string body, int status = 200) {
  HttpResponse response;
  response.status = status;
  response.content_type = "text/plain";
  response.body = std::move(body);
  return response;
}

// Answers with what it received, as JSON.
void echo(HttpRequest request, Responder respond) {
  const boost::json::object seen{{"method", static_cast<int>(request.method)},
                                 {"methodName", request.method_name},
                                 {"target", request.target},
                                 {"path", request.path},
                                 {"query", request.query},
                                 {"authorization", request.authorization},
                                 {"contentType", request.content_type},
                                 {"ifMatch", request.if_match},
                                 {"idempotencyKey", request.idempotency_key},
                                 {"body", request.body},
                                 {"traceId", request.trace_id},
                                 {"remoteAddress", request.remote_address}};
  HttpResponse response;
  response.body = boost::json::serialize(seen);
  respond(std::move(response));
}

boost::json::object json(const test::HttpResult& result) {
  return boost::json::parse(result.body).as_object();
}

std::string string_of(const boost::json::value& value) { return std::string(value.as_string()); }

// Responders a handler parked, to be completed by the test.
class Parked {
 public:
  void add(HttpRequest request, Responder respond) {
    std::lock_guard lock(mutex_);
    entries_.emplace_back(std::move(request), std::move(respond));
    changed_.notify_all();
  }
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout = 5s) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, timeout, [&] { return entries_.size() >= count; });
  }
  std::vector<std::pair<HttpRequest, Responder>> take() {
    std::lock_guard lock(mutex_);
    return std::exchange(entries_, {});
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<HttpRequest, Responder>> entries_;
};

class ServerTest : public ::testing::Test {
 protected:
  void start(RequestHandler handler, ServerOptions options = test_options()) {
    auto server = HttpServer::start(options, std::move(handler));
    ASSERT_TRUE(server) << server.error();
    server_ = std::move(*server);
  }
  void TearDown() override {
    for (auto& worker : workers_) worker.join();
    if (server_) server_->stop();
  }
  // Runs `work` on another thread, joined at teardown.
  template <class Work>
  void in_background(Work work) {
    std::lock_guard lock(workers_mutex_);
    workers_.emplace_back(std::move(work));
  }
  std::uint16_t port() const { return server_->port(); }

  std::unique_ptr<HttpServer> server_;
  std::mutex workers_mutex_;
  std::vector<std::thread> workers_;
};

TEST_F(ServerTest, StartsOnAFreePortAndReportsIt) {
  start(echo);
  EXPECT_NE(port(), 0);
  EXPECT_EQ(server_->address(), "127.0.0.1");
}

TEST_F(ServerTest, BindFailureIsAnError) {
  start(echo);
  auto options = test_options();
  options.port = port();
  const auto second = HttpServer::start(options, echo);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().find("bind"), std::string::npos) << second.error();
  options.address = "not-an-address";
  EXPECT_FALSE(HttpServer::start(options, echo));
}

TEST_F(ServerTest, FillsTheRequestAndStandardResponseHeaders) {
  start(echo);
  HttpClient client(port());
  const auto r = client.request("POST", "/api/v1/things?a=1&b=%20", R"({"x":1})",
                                {{"content-type", "application/json"},
                                 {"AUTHORIZATION", "Bearer abc"},
                                 {"If-Match", "\"3\""},
                                 {"Idempotency-Key", "k1"}});
  ASSERT_EQ(r.status, 200);
  const auto seen = json(r);
  EXPECT_EQ(seen.at("method"), static_cast<int>(HttpMethod::post));
  EXPECT_EQ(seen.at("methodName"), "POST");
  EXPECT_EQ(seen.at("target"), "/api/v1/things?a=1&b=%20");
  EXPECT_EQ(seen.at("path"), "/api/v1/things");
  EXPECT_EQ(seen.at("query"), "a=1&b=%20");
  EXPECT_EQ(seen.at("authorization"), "Bearer abc");
  EXPECT_EQ(seen.at("contentType"), "application/json");
  EXPECT_EQ(seen.at("ifMatch"), "\"3\"");
  EXPECT_EQ(seen.at("idempotencyKey"), "k1");
  EXPECT_EQ(seen.at("body"), R"({"x":1})");
  EXPECT_EQ(seen.at("remoteAddress"), "127.0.0.1");
  const std::string trace_id(seen.at("traceId").as_string());
  EXPECT_EQ(trace_id.size(), 32u);
  EXPECT_EQ(trace_id.find_first_not_of("0123456789abcdef"), std::string::npos);

  EXPECT_EQ(r.header("X-Trace-Id"), trace_id);
  EXPECT_EQ(r.header("Server"), "orgd");
  EXPECT_EQ(r.header("Content-Type"), "application/json");
  EXPECT_EQ(r.header("Content-Length"), std::to_string(r.body.size()));
}

TEST_F(ServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  start(echo);
  HttpClient client(port());
  std::string previous_trace;
  for (int i = 0; i < 5; ++i) {
    const auto r = client.request("GET", "/n/" + std::to_string(i));
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(string_of(json(r).at("path")), "/n/" + std::to_string(i));
    EXPECT_NE(r.header("X-Trace-Id"), previous_trace);
    previous_trace = r.header("X-Trace-Id");
  }
  EXPECT_EQ(client.connections_opened(), 1);
  EXPECT_EQ(server_->open_connections(), 1u);
}

TEST_F(ServerTest, PipelinedResponsesKeepRequestOrderWhenCompletedOutOfOrder) {
  // Request i is answered from another thread after (5 - i) * 40 ms: the last first.
  start([this](HttpRequest request, Responder respond) {
    const int i = std::stoi(request.path.substr(1));
    in_background([i, respond = std::move(respond)]() mutable {
      std::this_thread::sleep_for(std::chrono::milliseconds((5 - i) * 40));
      respond(text("response " + std::to_string(i)));
    });
  });
  HttpClient client(port());
  for (int i = 0; i < 5; ++i) client.send("GET", "/" + std::to_string(i));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.receive().body, "response " + std::to_string(i));
  EXPECT_EQ(client.connections_opened(), 1);
}

// Answers given before the handler returns and answers given later from other threads, mixed
// on one pipelined connection: the quick ones wait for the late ones before them.
TEST_F(ServerTest, ImmediateAndLateAnswersKeepRequestOrder) {
  start([this](HttpRequest request, Responder respond) {
    const int i = std::stoi(request.path.substr(1));
    if (i % 2 == 1) return respond(text("response " + std::to_string(i)));
    in_background([i, respond = std::move(respond)]() mutable {
      std::this_thread::sleep_for(std::chrono::milliseconds((6 - i) * 20));
      respond(text("response " + std::to_string(i)));
    });
  });
  HttpClient client(port());
  for (int i = 0; i < 6; ++i) client.send("GET", "/" + std::to_string(i));
  for (int i = 0; i < 6; ++i) EXPECT_EQ(client.receive().body, "response " + std::to_string(i));
  EXPECT_EQ(client.request("GET", "/7").body, "response 7");
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(ServerTest, PipeliningBeyondTheQueueLimitPausesReadingAndLosesNothing) {
  start([](HttpRequest request, Responder respond) { respond(text(request.path)); });
  HttpClient client(port());
  for (int i = 0; i < 60; ++i) client.send("GET", "/" + std::to_string(i));
  for (int i = 0; i < 60; ++i) EXPECT_EQ(client.receive().body, "/" + std::to_string(i));
}

TEST_F(ServerTest, BodyOverTheLimitIs413AndNeverReachesTheHandler) {
  std::atomic<int> calls{0};
  start([&calls](HttpRequest request, Responder respond) {
    ++calls;
    echo(std::move(request), std::move(respond));
  });
  HttpClient client(port());
  const auto r = client.request("POST", "/upload", std::string(4096, 'x'),
                                {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(r.header("Content-Type"), "application/problem+json");
  const auto problem = json(r);
  EXPECT_EQ(problem.at("type"), "urn:orgd:problem:payload-too-large");
  EXPECT_EQ(problem.at("instance"), "/upload");
  EXPECT_EQ(string_of(problem.at("traceId")), r.header("X-Trace-Id"));
  EXPECT_FALSE(r.keep_alive);

  // Chunked bodies are counted as they arrive.
  const auto raw = send_raw(port(),
                            "POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                            "800\r\n" +
                                std::string(0x800, 'y') + "\r\n0\r\n\r\n");
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 413")) << raw;
  EXPECT_EQ(calls.load(), 0);

  // A body exactly at the limit is fine.
  EXPECT_EQ(HttpClient(port()).request("POST", "/upload", std::string(1024, 'x')).status, 200);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(ServerTest, HeadOverTheLimitIs431) {
  start(echo);
  HttpClient client(port());
  const auto r = client.request("GET", "/", {}, {{"X-Big", std::string(2000, 'h')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(json(r).at("type"), "urn:orgd:problem:request-header-fields-too-large");
}

TEST_F(ServerTest, AHeadArrivingInPiecesIsHeldToTheLimitAsAWhole) {
  start(echo);
  test::RawConnection raw(port());
  const std::string fields(30, 'v');
  std::string piece;
  for (int i = 0; i < 20; ++i) piece += "X-" + std::to_string(i) + ": " + fields + "\r\n";
  ASSERT_LT(piece.size(), 1024u);  // each piece alone is under test_options().header_limit
  raw.send("GET / HTTP/1.1\r\nHost: x\r\n" + piece);
  std::this_thread::sleep_for(200ms);  // the server parses the first piece on its own
  raw.send(piece + "\r\n");
  const auto answer = test::parse_responses(raw.read_until_close(5s).bytes);
  ASSERT_EQ(answer.size(), 1u);
  EXPECT_EQ(answer[0].status, 431);
}

TEST_F(ServerTest, GarbageIs400AndTheConnectionCloses) {
  start(echo);
  for (const char* garbage :
       {"GARBAGE\r\n\r\n", "GET / HTTP/9.9\r\n\r\n", "GET / HTTP/1.1\r\nBad Header\r\n\r\n",
        "POST / HTTP/1.1\r\nContent-Length: abc\r\n\r\n", "\x01\x02\x03\r\n\r\n",
        "GET / HTTP/1.1\r\n\r\n", "GET / HTTP/1.1\r\nHost: x\r\nX: a\r\n b\r\n\r\n",
        "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n"}) {
    const auto raw = send_raw(port(), garbage);
    EXPECT_TRUE(raw.starts_with("HTTP/1.1 400")) << garbage << " -> " << raw;
    EXPECT_NE(raw.find("urn:orgd:problem:malformed-request"), std::string::npos) << raw;
    EXPECT_NE(raw.find("Connection: close"), std::string::npos) << raw;
  }
  // The server is still fine.
  EXPECT_EQ(HttpClient(port()).request("GET", "/").status, 200);
}

// What a handler names with Responder::matched reaches on_response with its response, also
// when the answer comes later from another thread; a request no handler named, or that the
// server refused itself, is reported without a route.
TEST_F(ServerTest, ReportsEachResponseWithTheRouteItsHandlerNamed) {
  struct Seen {
    std::string path;
    std::string route;
    int status;
  };
  auto mutex = std::make_shared<std::mutex>();
  auto seen = std::make_shared<std::vector<Seen>>();
  auto options = test_options();
  options.on_response = [mutex, seen](const CompletedRequest& completed) {
    std::lock_guard lock(*mutex);
    seen->push_back({std::string(completed.path), std::string(completed.route), completed.status});
  };
  start(
      [this](HttpRequest request, Responder respond) {
        if (request.path == "/unnamed") return respond(text("unnamed"));
        respond.matched(request.path == "/now" ? "/now-template" : "/later-template");
        if (request.path == "/now") return respond(text("now"));
        in_background([respond = std::move(respond)]() mutable { respond(text("later")); });
      },
      options);
  HttpClient client(port());
  EXPECT_EQ(client.request("GET", "/now").body, "now");
  EXPECT_EQ(client.request("GET", "/later").body, "later");
  EXPECT_EQ(client.request("GET", "/unnamed").body, "unnamed");
  EXPECT_TRUE(send_raw(port(), "GARBAGE\r\n\r\n").starts_with("HTTP/1.1 400"));

  std::lock_guard lock(*mutex);  // each was reported before its response was written
  ASSERT_EQ(seen->size(), 4U);
  const auto route_of = [&](std::string_view path) {
    const auto it = std::ranges::find(*seen, path, &Seen::path);
    return it == seen->end() ? std::string("<not reported>") : it->route;
  };
  EXPECT_EQ(route_of("/now"), "/now-template");
  EXPECT_EQ(route_of("/later"), "/later-template");
  EXPECT_EQ(route_of("/unnamed"), "");
  EXPECT_EQ(std::ranges::count(*seen, 400, &Seen::status), 1);
  EXPECT_EQ(std::ranges::find(*seen, 400, &Seen::status)->route, "");
}

TEST_F(ServerTest, UnknownMethodsReachTheHandlerAsOther) {
  start(echo);
  const auto raw = send_raw(port(), "BREW /pot HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 200")) << raw;
  EXPECT_NE(raw.find("\"methodName\":\"BREW\""), std::string::npos) << raw;
  EXPECT_NE(raw.find("\"method\":" + std::to_string(static_cast<int>(HttpMethod::other))),
            std::string::npos)
      << raw;
}

class RoutedServerTest : public ServerTest {
 protected:
  void SetUp() override {
    router_
        .add(HttpMethod::get, "/api/v1/things/{id}",
             [](HttpRequest request, PathParams params, Responder respond) {
               const auto query = parse_query(request.query);
               if (!query) return respond(query_error_response(request, query.error()));
               std::string body = "id=" + std::string(params["id"]);
               for (const auto& [name, value] : *query) body += " " + name + "=" + value;
               respond(text(body));
             })
        .add(HttpMethod::post, "/api/v1/things",
             [](HttpRequest, PathParams, Responder respond) { respond(text("", 204)); });
    start(router_.handler());
  }
  Router router_;
};

TEST_F(RoutedServerTest, UnknownPathIs404AndWrongMethodIs405WithAllow) {
  HttpClient client(port());
  const auto missing = client.request("GET", "/api/v1/nothing");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(json(missing).at("type"), "urn:orgd:problem:not-found");
  EXPECT_EQ(string_of(json(missing).at("traceId")), missing.header("X-Trace-Id"));

  const auto wrong = client.request("DELETE", "/api/v1/things/1");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.header("Allow"), "GET, HEAD");
  EXPECT_EQ(json(wrong).at("type"), "urn:orgd:problem:method-not-allowed");

  const auto brew = client.request("BREW", "/api/v1/things/1");
  EXPECT_EQ(brew.status, 405);
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(RoutedServerTest, DecodesPathParametersAndRejectsTraversal) {
  HttpClient client(port());
  EXPECT_EQ(client.request("GET", "/api/v1/things/a%20b").body, "id=a b");
  for (const char* path : {"/api/v1/things/%2e%2e", "/api/v1/things/a%2Fb", "/api/v1/things/%zz",
                           "/api/v1/things/..", "/api/v1/things/a%00"}) {
    const auto r = client.request("GET", path);
    EXPECT_EQ(r.status, 400) << path;
    EXPECT_EQ(json(r).at("type"), "urn:orgd:problem:invalid-path") << path;
  }
}

TEST_F(RoutedServerTest, ParsesQueries) {
  HttpClient client(port());
  EXPECT_EQ(client.request("GET", "/api/v1/things/7?q=acme+corp&page=%32").body,
            "id=7 q=acme corp page=2");
  const auto duplicate = client.request("GET", "/api/v1/things/7?page=1&page=2");
  EXPECT_EQ(duplicate.status, 400);
  EXPECT_EQ(json(duplicate).at("type"), "urn:orgd:problem:invalid-query");
}

TEST_F(RoutedServerTest, HeadSendsHeadersWithoutBody) {
  HttpClient client(port());
  const auto head = client.request("HEAD", "/api/v1/things/42");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.header("Content-Length"), "5");  // "id=42"
  EXPECT_EQ(head.body, "");
  // The connection stays usable: no stray body bytes were sent.
  EXPECT_EQ(client.request("GET", "/api/v1/things/42").body, "id=42");
  const auto raw =
      send_raw(port(), "HEAD /api/v1/things/42 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(raw.ends_with("\r\n\r\n")) << raw;
}

TEST_F(RoutedServerTest, NoContentHasNoBodyHeaders) {
  HttpClient client(port());
  const auto r = client.request("POST", "/api/v1/things", "{}");
  EXPECT_EQ(r.status, 204);
  EXPECT_FALSE(r.has_header("Content-Length"));
  EXPECT_FALSE(r.has_header("Content-Type"));
  EXPECT_FALSE(r.header("X-Trace-Id").empty());
  EXPECT_EQ(client.request("GET", "/api/v1/things/1").body, "id=1");
}

TEST_F(ServerTest, DroppedResponderAnswers500) {
  start([](HttpRequest, Responder) {});
  HttpClient client(port());
  const auto r = client.request("GET", "/forgotten");
  EXPECT_EQ(r.status, 500);
  const auto problem = json(r);
  EXPECT_EQ(problem.at("type"), "urn:orgd:problem:internal-error");
  EXPECT_EQ(problem.at("instance"), "/forgotten");
  EXPECT_EQ(string_of(problem.at("traceId")), r.header("X-Trace-Id"));
  EXPECT_EQ(client.request("GET", "/again").status, 500);  // and the connection lives on
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(ServerTest, ThrowingHandlerAnswers500AndServingGoesOn) {
  start([](HttpRequest request, Responder respond) {
    if (request.path == "/throw") throw std::runtime_error("boom");
    if (request.path == "/throw-int") throw 42;
    respond(text("fine"));
  });
  HttpClient client(port());
  const auto thrown = client.request("GET", "/throw");
  EXPECT_EQ(thrown.status, 500);
  EXPECT_EQ(json(thrown).at("type"), "urn:orgd:problem:internal-error");
  EXPECT_EQ(json(thrown).at("detail").as_string().find("boom"), std::string::npos);
  EXPECT_EQ(client.request("GET", "/throw-int").status, 500);
  EXPECT_EQ(client.request("GET", "/ok").body, "fine");
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(ServerTest, RespondingTwiceSendsTheFirstResponseOnly) {
  start([](HttpRequest, Responder respond) {
    respond(text("first"));
    respond(text("second"));
  });
  HttpClient client(port());
  EXPECT_EQ(client.request("GET", "/").body, "first");
  EXPECT_EQ(client.request("GET", "/").body, "first");
}

TEST_F(ServerTest, IdleConnectionsAreClosedAfterTheIdleTimeout) {
  start(echo);
  HttpClient client(port());
  ASSERT_EQ(client.request("GET", "/").status, 200);
  const auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.wait_for_close(5s));
  const auto idle = std::chrono::steady_clock::now() - before;
  EXPECT_GE(idle, 800ms);
  EXPECT_LE(idle, 3s);
}

// The idle timer is armed lazily (session.hpp): one armed before a request must not close the
// connection at its old deadline, and the next idle period still ends the connection.
TEST_F(ServerTest, TheIdleTimeoutCountsFromTheLastResponse) {
  start(echo);
  HttpClient client(port());
  for (int i = 0; i < 5; ++i) {  // 2 s of requests, against a 1 s idle timeout
    ASSERT_EQ(client.request("GET", "/").status, 200);
    std::this_thread::sleep_for(400ms);
  }
  EXPECT_EQ(client.connections_opened(), 1);
  const auto before = std::chrono::steady_clock::now();
  EXPECT_TRUE(client.wait_for_close(5s));
  EXPECT_GE(std::chrono::steady_clock::now() - before, 400ms);  // 1 s less the last sleep
}

TEST_F(ServerTest, SlowHandlersAreNotCutOffByTheIdleTimeout) {
  start([this](HttpRequest, Responder respond) {
    in_background([respond = std::move(respond)]() mutable {
      std::this_thread::sleep_for(1500ms);  // longer than the 1 s idle timeout
      respond(text("late"));
    });
  });
  HttpClient client(port());
  EXPECT_EQ(client.request("GET", "/").body, "late");
  EXPECT_EQ(client.connections_opened(), 1);
}

TEST_F(ServerTest, LateAnswersReachClientsThatSentTheirLastRequest) {
  start([this](HttpRequest, Responder respond) {
    in_background([respond = std::move(respond)]() mutable {
      std::this_thread::sleep_for(200ms);
      respond(text("late"));
    });
  });
  for (const char* request :
       {"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", "GET / HTTP/1.0\r\n\r\n"}) {
    const auto raw = send_raw(port(), request);
    EXPECT_TRUE(raw.starts_with("HTTP/1.1 200")) << request << " -> " << raw;
    EXPECT_TRUE(raw.ends_with("late")) << raw;
  }
}

TEST_F(ServerTest, IncompleteRequestsAreAnswered408) {
  auto options = test_options();
  options.request_timeout = std::chrono::seconds(1);
  start(echo, options);
  for (const char* incomplete : {"GET / HTTP/1.1\r\nHost: x\r\n",
                                 "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\nabc"}) {
    const auto before = std::chrono::steady_clock::now();
    const auto raw = send_raw(port(), incomplete, 5s);
    EXPECT_TRUE(raw.starts_with("HTTP/1.1 408")) << raw;
    EXPECT_NE(raw.find("urn:orgd:problem:request-timeout"), std::string::npos) << raw;
    EXPECT_LE(std::chrono::steady_clock::now() - before, 3s);
  }
}

// The request timer is armed lazily too: still waiting for the first request's deadline when
// the second starts, it must wait on to the second's.
TEST_F(ServerTest, EachRequestGetsTheWholeRequestTimeout) {
  auto options = test_options();
  options.request_timeout = std::chrono::seconds(1);
  start(echo, options);
  test::RawConnection raw(port());
  raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
  std::this_thread::sleep_for(600ms);
  const auto before = std::chrono::steady_clock::now();
  raw.send("GET / HTTP/1.1\r\nHost: x\r\n");  // never finished
  const auto answers = test::parse_responses(raw.read_until_close(5s).bytes);
  const auto waited = std::chrono::steady_clock::now() - before;
  ASSERT_EQ(answers.size(), 2u);
  EXPECT_EQ(answers[0].status, 200);
  EXPECT_EQ(answers[1].status, 408);
  EXPECT_GE(waited, 800ms) << "timed out at the first request's deadline";
  EXPECT_LE(waited, 3s);
}

TEST_F(ServerTest, HonoursAValidTraceparent) {
  start(echo);
  HttpClient client(port());
  const auto r = client.request(
      "GET", "/", {}, {{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}});
  EXPECT_EQ(r.header("X-Trace-Id"), "4bf92f3577b34da6a3ce929d0e0e4736");
  EXPECT_EQ(json(r).at("traceId"), "4bf92f3577b34da6a3ce929d0e0e4736");

  const auto invalid = client.request("GET", "/", {}, {{"traceparent", "00-zz-00-01"}});
  EXPECT_EQ(invalid.header("X-Trace-Id").size(), 32u);
  EXPECT_NE(invalid.header("X-Trace-Id"), "4bf92f3577b34da6a3ce929d0e0e4736");
}

TEST_F(ServerTest, ConnectionCloseIsHonoured) {
  start(echo);
  HttpClient client(port());
  const auto r = client.request("GET", "/", {}, {{"Connection", "close"}});
  EXPECT_EQ(r.status, 200);
  EXPECT_FALSE(r.keep_alive);
  EXPECT_EQ(r.header("Connection"), "close");
  EXPECT_FALSE(client.connected());
}

TEST_F(ServerTest, AnswersExpectContinue) {
  start(echo);
  const auto raw = send_raw(port(),
                            "POST /x HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\n"
                            "Content-Length: 2\r\nConnection: close\r\n\r\nhi");
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200")) << raw;
}

TEST_F(ServerTest, AnHttp10ClientGetsNo100Continue) {
  start(echo);
  const auto raw = send_raw(port(),
                            "POST /x HTTP/1.0\r\nHost: x\r\nExpect: 100-continue\r\n"
                            "Content-Length: 2\r\n\r\nhi");
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 200")) << raw;
}

// A trailer comes after the head was checked: Beast would merge its fields into the head's,
// next to a field of the same name. A trailer with fields is refused; an empty one is fine.
TEST_F(ServerTest, ChunkedTrailerFieldsAreRefused) {
  std::atomic<int> calls{0};
  start([&calls](HttpRequest request, Responder respond) {
    ++calls;
    echo(std::move(request), std::move(respond));
  });
  const std::string head =
      "POST /x HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer mine\r\n"
      "Transfer-Encoding: chunked\r\nIdempotency-Key: k\r\nConnection: close\r\n\r\n"
      "2\r\nhi\r\n0\r\n";
  for (const char* trailer :
       {"Authorization: Bearer smuggled\r\n", "If-Match: \"3\"\r\n", "Host: y\r\n"}) {
    const auto raw = send_raw(port(), head + trailer + "\r\n");
    EXPECT_TRUE(raw.starts_with("HTTP/1.1 400")) << trailer << raw;
    EXPECT_NE(raw.find("trailer"), std::string::npos) << raw;
  }
  EXPECT_EQ(calls.load(), 0);
  const auto raw = send_raw(port(), head + "\r\n");
  ASSERT_TRUE(raw.starts_with("HTTP/1.1 200")) << raw;
  const auto seen = boost::json::parse(raw.substr(raw.find("\r\n\r\n") + 4)).as_object();
  EXPECT_EQ(seen.at("body"), "hi");
  EXPECT_EQ(seen.at("authorization"), "Bearer mine");
  EXPECT_EQ(seen.at("idempotencyKey"), "k");
}

// Beast buffers a chunk header and the trailer whole, whatever their size, and throws for a
// field over 64 KiB: each must be answered 431, the connection closed, and serving go on.
TEST_F(ServerTest, ChunkExtensionsAndTrailersAreBounded) {
  std::atomic<int> calls{0};
  auto options = test_options();
  options.header_limit = 16u << 10;  // room for a 70 kB trailer field in the buffer
  options.body_limit = 1u << 20;
  start(
      [&calls](HttpRequest request, Responder respond) {
        ++calls;
        echo(std::move(request), std::move(respond));
      },
      options);
  const std::string head = "POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  const std::vector<std::pair<std::string, std::string>> cases{
      {"a 200 kB chunk extension", "2;x=" + std::string(200'000, 'e') + "\r\nhi\r\n0\r\n\r\n"},
      {"a 200 kB trailer", "2\r\nhi\r\n0\r\n" +
                               [] {
                                 std::string many;
                                 for (int i = 0; i < 10'000; ++i)
                                   many += "X-T" + std::to_string(i) + ": 1234567890\r\n";
                                 return many;
                               }() +
                               "\r\n"},
      {"a 70 kB trailer field", "2\r\nhi\r\n0\r\nX-Big: " + std::string(70'000, 't') + "\r\n\r\n"},
  };
  for (const auto& [what, body] : cases) {
    const auto raw = send_raw(port(), head + body);
    EXPECT_TRUE(raw.starts_with("HTTP/1.1 431")) << what << ": " << raw.substr(0, 200);
    EXPECT_NE(raw.find("request-header-fields-too-large"), std::string::npos) << what;
  }
  EXPECT_EQ(calls.load(), 0);
  EXPECT_EQ(HttpClient(port()).request("GET", "/").status, 200) << "serving goes on";
}

// With header_limit above 64 KiB a head field can outgrow Beast's 16-bit field sizes.
TEST_F(ServerTest, AHeadFieldOver64KiBIs431EvenUnderAHigherLimit) {
  auto options = test_options();
  options.header_limit = 200'000;
  start(echo, options);
  const auto raw = send_raw(
      port(), "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(70'000, 'h') + "\r\n\r\n");
  EXPECT_TRUE(raw.starts_with("HTTP/1.1 431")) << raw.substr(0, 200);
  EXPECT_EQ(HttpClient(port()).request("GET", "/").status, 200) << "serving goes on";
}

TEST_F(ServerTest, DropsExtraHeadersThatWouldBreakFraming) {
  start([](HttpRequest, Responder respond) {
    auto response = text("ok");
    response.headers = {{"ETag", "\"1\""},
                        {"X-Evil", "a\r\nSet-Cookie: x=1"},
                        {"Content-Length", "99"},
                        {"Location", "/api/v1/things/1"}};
    respond(std::move(response));
  });
  HttpClient client(port());
  const auto r = client.request("GET", "/");
  EXPECT_EQ(r.body, "ok");
  EXPECT_EQ(r.header("ETag"), "\"1\"");
  EXPECT_EQ(r.header("Location"), "/api/v1/things/1");
  EXPECT_EQ(r.header("Content-Length"), "2");
  EXPECT_FALSE(r.has_header("X-Evil"));
  EXPECT_FALSE(r.has_header("Set-Cookie"));
}

TEST_F(ServerTest, EnforcesMaxConnections) {
  auto options = test_options();
  options.max_connections = 1;
  start(echo, options);
  HttpClient first(port());
  ASSERT_EQ(first.request("GET", "/").status, 200);
  HttpClient second(port());
  const auto refused = second.request("GET", "/");
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.header("Retry-After"), "1");
  EXPECT_FALSE(second.connected());
  EXPECT_EQ(first.request("GET", "/").status, 200);
}

TEST_F(ServerTest, StopWithRequestsInFlightIsSafeAndRespondersOutliveTheServer) {
  Parked parked;
  start([&parked](HttpRequest request, Responder respond) {
    parked.add(std::move(request), std::move(respond));
  });
  std::vector<std::thread> clients;
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([port = port()] {
      try {
        HttpClient client(port, "127.0.0.1", 5s);
        (void)client.request("GET", "/wait");
      } catch (const std::exception&) {
        // Expected: the server stops before answering.
      }
    });
  }
  ASSERT_TRUE(parked.wait_for(4));
  auto in_flight = parked.take();
  // Answer one concurrently with stop().
  std::thread racer(
      [responder = std::move(in_flight[0].second)]() mutable { responder(text("racing")); });
  server_->stop();
  server_->stop();  // idempotent
  racer.join();
  for (auto& client : clients) client.join();
  in_flight[1].second(text("after stop"));
  server_.reset();
  in_flight[2].second(text("after destruction"));
  in_flight.clear();  // the last one is dropped: its 500 goes nowhere
}

TEST_F(ServerTest, ManyConcurrentClients) {
  start([this](HttpRequest request, Responder respond) {
    in_background([request = std::move(request), respond = std::move(respond)]() mutable {
      respond(text(request.path));
    });
  });
  std::vector<std::thread> clients;
  std::atomic<int> ok{0};
  for (int c = 0; c < 8; ++c) {
    clients.emplace_back([&ok, c, port = port()] {
      HttpClient client(port);
      for (int i = 0; i < 25; ++i) {
        const std::string path = "/" + std::to_string(c) + "/" + std::to_string(i);
        if (client.request("GET", path).body == path) ++ok;
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(ok.load(), 200);
}

}  // namespace
}  // namespace orgd::api
