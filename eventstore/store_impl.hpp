#pragma once
// The parts of a Store and the order they live and die in.
//
// Thread-safety: fields are fixed after construction; each part documents its own rules.
// Shutdown order matters: the writer first (so queued appends complete and are published),
// then subscriptions (their threads read the database), then the database.

#include <memory>

#include "eventstore/append_writer.hpp"
#include "eventstore/database.hpp"
#include "eventstore/log_head.hpp"
#include "eventstore/log_reader.hpp"
#include "eventstore/store.hpp"
#include "eventstore/subscriber_registry.hpp"

namespace orgd::eventstore {

struct Store::Impl {
  Impl(std::unique_ptr<Database> opened, const ChainTip& tip)
      : database(std::move(opened)),
        reader(*database->db(), database->cfs()),
        head(tip),
        subscribers(tip.position) {}

  ~Impl() {
    if (writer) writer->stop();
    subscribers.stop_all();
    writer.reset();
    database.reset();
  }

  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;

  std::unique_ptr<Database> database;
  LogReader reader;
  LogHead head;
  SubscriberRegistry subscribers;
  std::unique_ptr<AppendWriter> writer;  // null when read-only
};

}  // namespace orgd::eventstore
