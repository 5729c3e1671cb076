#include "api/http/server.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <tuple>
#include <vector>

#include "api/http/problem.hpp"
#include "api/http/query_params.hpp"
#include "api/http/router.hpp"
#include "tests/api/http/server_fixture.hpp"
#include "tests/support/http_client.hpp"
#include "tests/support/raw_connection.hpp"

namespace orgd::api {
namespace {

using namespace std::chrono_literals;
using namespace server_testing;
using test::HttpClient;
using test::send_raw;

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

// X-Forwarded-For names the client only when the peer is a trusted proxy: here the test
// client at 127.0.0.1 is one, at 127.0.0.2 it is not.
TEST_F(ServerTest, ATrustedProxysForwardedForNamesTheClient) {
  auto options = test_options();
  options.trusted_proxies = *TrustedProxies::parse("127.0.0.1");
  start(echo, options);
  const auto client_seen = [this](const std::string& source, test::Headers headers) {
    HttpClient client(port());
    client.set_source_address(source);
    return std::string(
        json(client.request("GET", "/", "", headers)).at("remoteAddress").as_string());
  };
  EXPECT_EQ(client_seen("127.0.0.1", {{"X-Forwarded-For", "198.51.100.7"}}), "198.51.100.7");
  EXPECT_EQ(client_seen("127.0.0.1", {{"X-Forwarded-For", "1.1.1.1"},
                                      {"X-Forwarded-For", "198.51.100.7, 127.0.0.1"}}),
            "198.51.100.7")
      << "every line, read from the right";
  EXPECT_EQ(client_seen("127.0.0.1", {}), "127.0.0.1");
  EXPECT_EQ(client_seen("127.0.0.2", {{"X-Forwarded-For", "198.51.100.7"}}), "127.0.0.2")
      << "an untrusted peer's header is ignored";
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

// A client that pipelines requests for large answers and reads none: the answers waiting are
// bounded in bytes, not only in number (16 answers of the 1.7 MB Swagger bundle per connection
// were 27 MB). What the kernel's send buffer takes leaves the session's queue, so the bound
// here allows what that buffer can hold; 16 waiting answers would exceed it by far.
TEST_F(ServerTest, AnswersWaitingForAClientThatDoesNotReadAreBoundedInBytes) {
  constexpr std::size_t kBody = 1 << 20;
  std::atomic<int> handled{0};
  start([&](HttpRequest, Responder respond) {
    ++handled;
    respond(text(std::string(kBody, 'x')));
  });
  test::RawConnection raw(port());
  std::string requests;
  for (int i = 0; i < 40; ++i) requests += "GET /big HTTP/1.1\r\nHost: x\r\n\r\n";
  raw.send(requests);
  std::this_thread::sleep_for(1s);
  std::ifstream wmem("/proc/sys/net/ipv4/tcp_wmem");
  std::size_t low = 0, initial = 0, most = 4u << 20;
  wmem >> low >> initial >> most;
  // The kernel's send buffer, the answer being written and the one that crossed the bound.
  const int bound = static_cast<int>(most / kBody) + 3;
  EXPECT_LE(handled.load(), bound) << "tcp_wmem max " << most;
  EXPECT_LT(bound, 16) << "the test needs a send buffer well below 16 answers";
}

// A pipelined request reaches the handler only once the one before it has been answered, so
// it sees that one's effects (RFC 9112 9.3.2: only safe methods may be handled in parallel).
TEST_F(ServerTest, PipelinedRequestsAreHandledOneAtATimeInOrder) {
  std::atomic<int> in_handler{0};
  std::atomic<int> most_at_once{0};
  std::mutex mutex;
  std::vector<std::string> started;
  start([&](HttpRequest request, Responder respond) {
    const int now = ++in_handler;
    most_at_once = std::max(most_at_once.load(), now);
    {
      std::lock_guard lock(mutex);
      started.push_back(request.path);
    }
    in_background([&in_handler, path = request.path, respond = std::move(respond)]() mutable {
      std::this_thread::sleep_for(20ms);
      --in_handler;
      respond(text(path));
    });
  });
  HttpClient client(port());
  for (int i = 0; i < 5; ++i) client.send(i % 2 == 0 ? "PUT" : "GET", "/" + std::to_string(i));
  for (int i = 0; i < 5; ++i) EXPECT_EQ(client.receive().body, "/" + std::to_string(i));
  EXPECT_EQ(most_at_once.load(), 1);
  std::lock_guard lock(mutex);
  EXPECT_EQ(started, (std::vector<std::string>{"/0", "/1", "/2", "/3", "/4"}));
}

// While a request is in the handler nothing of the session's own may be pending (reading waits
// for the answer): a handler slower than both timeouts, with a request pipelined behind it,
// must still find the connection there to answer on.
TEST_F(ServerTest, AHandlerSlowerThanTheTimeoutsStillAnswersPipelinedRequests) {
  auto options = test_options();
  options.request_timeout = 1s;
  options.idle_timeout = 1s;
  start(
      [this](HttpRequest request, Responder respond) {
        in_background([path = request.path, respond = std::move(respond)]() mutable {
          std::this_thread::sleep_for(1500ms);
          respond(text(path));
        });
      },
      options);
  HttpClient client(port());
  client.send("POST", "/slow-1");
  client.send("GET", "/slow-2");
  EXPECT_EQ(client.receive().body, "/slow-1");
  EXPECT_EQ(client.receive().body, "/slow-2");
  EXPECT_EQ(client.connections_opened(), 1);
  EXPECT_TRUE(client.wait_for_close(3s)) << "and the idle timeout still applies after";
}

TEST_F(ServerTest, PipeliningBeyondTheQueueLimitPausesReadingAndLosesNothing) {
  start([](HttpRequest request, Responder respond) { respond(text(request.path)); });
  HttpClient client(port());
  for (int i = 0; i < 60; ++i) client.send("GET", "/" + std::to_string(i));
  for (int i = 0; i < 60; ++i) EXPECT_EQ(client.receive().body, "/" + std::to_string(i));
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
             },
             {"q", "page"})
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

// A close token in any Connection field closes (RFC 9110 7.6.1: repeated fields are one list;
// the second field's was ignored), and so does an HTTP/1.0 request, keep-alive or not (it was
// kept open without telling the client, who waited for the close).
TEST_F(ServerTest, ConnectionsCloseWhenAnyConnectionFieldSaysSoAndForHttp10) {
  start(echo);
  for (const char* request :
       {"GET / HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n",
        "GET / HTTP/1.1\r\nHost: x\r\nConnection: te, CLOSE\r\n\r\n",
        "GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"}) {
    test::RawConnection raw(port());
    raw.send(request);
    const auto received = raw.read_until_close(5s);
    EXPECT_TRUE(received.closed) << request;
    EXPECT_TRUE(received.bytes.starts_with("HTTP/1.1 200")) << received.bytes;
    EXPECT_NE(received.bytes.find("Connection: close"), std::string::npos) << received.bytes;
  }
}

// A server must accept the absolute form (RFC 9112 3.2.2), as proxies send it: the handler
// sees its origin form (it was a 400, "must be an absolute path").
TEST_F(ServerTest, AbsoluteFormTargetsReachTheHandlerAsTheirOriginForm) {
  start(echo);
  for (const auto& [target, path, query] :
       {std::tuple{"http://x:8080/things/42?a=1", "/things/42", "a=1"},
        std::tuple{"HTTPS://x/things", "/things", ""}, std::tuple{"http://x", "/", ""},
        std::tuple{"http://x?a=1", "/", "a=1"}}) {
    const auto raw = send_raw(
        port(), std::string("GET ") + target + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    ASSERT_TRUE(raw.starts_with("HTTP/1.1 200")) << target << " -> " << raw;
    const auto seen = boost::json::parse(raw.substr(raw.find("\r\n\r\n") + 4)).as_object();
    EXPECT_EQ(seen.at("path").as_string(), path) << target;
    EXPECT_EQ(seen.at("query").as_string(), query) << target;
  }
  // Its Host is checked all the same (RFC 9112 3.2), its own userinfo refused; a problem's
  // instance is the path, not the URL.
  const auto checked =
      send_raw(port(), "GET http://x/things HTTP/1.1\r\nHost: user@x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(checked.starts_with("HTTP/1.1 400")) << checked;
  const auto refused =
      send_raw(port(), "GET http://user@x/things HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_TRUE(refused.starts_with("HTTP/1.1 400")) << refused;
  EXPECT_NE(refused.find(R"("instance":"/things")"), std::string::npos) << refused;
}

// A CRLF a client leaves after a body, before its next request line, is ignored (RFC 9112 2.2);
// it closed the connection with a 400 "bad method".
TEST_F(ServerTest, EmptyLinesBeforeARequestLineAreIgnored) {
  start(echo);
  const auto raw = send_raw(port(),
                            "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi\r\n"
                            "\r\n\r\nGET /b HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  const auto responses = test::parse_responses(raw);
  ASSERT_EQ(responses.size(), 2u) << raw;
  for (const auto& response : responses) EXPECT_EQ(response.status, 200) << raw;
  EXPECT_NE(raw.find("\"path\":\"/b\""), std::string::npos) << raw;
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
