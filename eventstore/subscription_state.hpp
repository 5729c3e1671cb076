#pragma once
// What one subscription's thread needs, shared between the Subscription handle, the thread
// itself, and the store's SubscriberRegistry (which only holds a weak reference).
//
// Thread-safety: `durable_head`, `stopping` and `error` are guarded by `mutex`;
// `next_position`, `handler` and `on_failure` belong to the subscription thread; `thread` is
// guarded by `thread_mutex`. `reader` must outlive the thread: the Store joins every subscription
// thread before it closes the database.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <thread>

#include "eventstore/log_reader.hpp"
#include "eventstore/store.hpp"

namespace orgd::eventstore {

struct Subscription::State {
  State(const LogReader& log, std::uint64_t from_position, SubscriptionHandler on_envelopes,
        SubscriptionFailed failed)
      : reader(log),
        handler(std::move(on_envelopes)),
        on_failure(std::move(failed)),
        next_position(from_position) {}

  // Starts the delivery thread; called once, by Store::subscribe.
  void start(const std::shared_ptr<State>& self);
  // A batch up to `head` is durable: wake the thread if it waits for it. Any thread.
  void publish(std::uint64_t head);
  // Ends delivery (after the handler call in progress, if any) and joins the thread. From
  // the subscription's own thread (its handler) it only asks, since a thread cannot join
  // itself. Idempotent; any thread.
  void stop();
  [[nodiscard]] std::optional<StoreError> failure() const;

  const LogReader& reader;
  SubscriptionHandler handler;
  SubscriptionFailed on_failure;  // may be empty
  std::uint64_t next_position;

  mutable std::mutex mutex;
  std::condition_variable wake;
  std::uint64_t durable_head{0};
  std::atomic<bool> stopping{false};  // written under `mutex`, read without it between chunks
  std::optional<StoreError> error;

  std::mutex thread_mutex;
  std::thread thread;

 private:
  void run();
  [[nodiscard]] std::optional<std::uint64_t> wait_for_envelopes();
  [[nodiscard]] bool deliver_until(std::uint64_t head);
  [[nodiscard]] bool deliver(std::span<const Envelope> envelopes);
  void fail(StoreError failure);
  void request_stop();
};

}  // namespace orgd::eventstore
