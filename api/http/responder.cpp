#include "api/http/http_types.hpp"
#include "api/http/problem.hpp"

namespace orgd::api {

void Responder::Sink::abandon() {
  send(problem_response(500, "internal-error", "internal server error",
                        "the request handler did not produce a response", "", ""));
}

Responder::~Responder() {
  if (!sink_) return;
  // A destructor must not throw; losing the 500 is better than terminating.
  try {
    sink_->abandon();
  } catch (...) {
  }
}

void Responder::operator()(HttpResponse response) {
  // Calling twice is a programmer error; the second response is dropped rather than sent
  // into another request's slot.
  if (!sink_) return;
  auto sink = std::move(sink_);
  sink->send(std::move(response));
}

}  // namespace orgd::api
