#include <exception>
#include <string>

#include "eventstore/subscription_state.hpp"

namespace orgd::eventstore {
namespace {

// Envelopes read per handler call: bounds memory while catching up from disk.
constexpr std::size_t kChunkSize = 1024;

}  // namespace

void Subscription::State::start(const std::shared_ptr<State>& self) {
  std::lock_guard lock(thread_mutex);
  // The thread holds a reference so the state outlives a handle destroyed by the handler.
  thread = std::thread([self] { self->run(); });
}

void Subscription::State::publish(std::uint64_t head) {
  {
    std::lock_guard lock(mutex);
    durable_head = std::max(durable_head, head);
  }
  wake.notify_one();
}

void Subscription::State::request_stop() {
  {
    std::lock_guard lock(mutex);
    stopping = true;
  }
  wake.notify_one();
}

void Subscription::State::stop() {
  request_stop();
  std::lock_guard lock(thread_mutex);
  if (!thread.joinable()) return;
  if (thread.get_id() == std::this_thread::get_id()) {
    thread.detach();  // called from the handler: the thread ends when the handler returns
  } else {
    thread.join();
  }
}

std::optional<StoreError> Subscription::State::failure() const {
  std::lock_guard lock(mutex);
  return error;
}

void Subscription::State::fail(StoreError failure) {
  {
    std::lock_guard lock(mutex);
    error = failure;
    stopping = true;
  }
  if (!on_failure) return;
  try {
    on_failure(failure);
  } catch (...) {  // NOLINT(bugprone-empty-catch): delivery has ended either way
  }
}

void Subscription::State::run() {
  while (const auto head = wait_for_envelopes()) {
    if (!deliver_until(*head)) return;
  }
}

// The durable head once it reaches next_position; nullopt when stopping.
std::optional<std::uint64_t> Subscription::State::wait_for_envelopes() {
  std::unique_lock lock(mutex);
  wake.wait(lock, [this] { return stopping || durable_head >= next_position; });
  if (stopping) return std::nullopt;
  return durable_head;
}

// Reads from disk in chunks up to `head`, never beyond: anything later is not yet durable.
bool Subscription::State::deliver_until(std::uint64_t head) {
  while (next_position <= head) {
    if (stopping) return false;
    auto chunk = reader.read_range(next_position, head, kChunkSize);
    if (!chunk) {
      fail(chunk.error());
      return false;
    }
    // The log is gapless: anything else means missing or misplaced entries.
    if (chunk->empty() || chunk->front().position != next_position ||
        chunk->back().position != next_position + chunk->size() - 1) {
      fail({StoreErrorCode::corruption,
            "gap in the log after position " + std::to_string(next_position - 1)});
      return false;
    }
    next_position = chunk->back().position + 1;
    if (!deliver(*chunk)) return false;
  }
  return true;
}

bool Subscription::State::deliver(std::span<const Envelope> envelopes) {
  try {
    if (handler(envelopes)) return true;
    request_stop();
  } catch (const std::exception& e) {
    fail(
        {StoreErrorCode::invalid_argument, std::string("subscription handler threw: ") + e.what()});
  } catch (...) {
    fail({StoreErrorCode::invalid_argument, "subscription handler threw"});
  }
  return false;
}

Subscription::Subscription(std::shared_ptr<State> state) : state_(std::move(state)) {}

Subscription::Subscription(Subscription&&) noexcept = default;

Subscription& Subscription::operator=(Subscription&& other) noexcept {
  if (this != &other) {
    stop();
    state_ = std::move(other.state_);
  }
  return *this;
}

Subscription::~Subscription() { stop(); }

void Subscription::stop() {
  if (state_) state_->stop();
}

std::optional<StoreError> Subscription::error() const {
  return state_ ? state_->failure() : std::nullopt;
}

}  // namespace orgd::eventstore
