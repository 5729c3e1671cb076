#pragma once
// A decoded event's payload as the JSON an auditor reads: camelCase field names, unset optional
// fields as null, and secrets (password, token and API-key hashes) always replaced by kRedacted -- the
// log keeps them so a replay rebuilds everything, but no history, export or CLI output shows
// them.
//
// Every event type has its own overload in event_json.cpp; a type added to domain::Event
// without one does not compile.
// Thread-safety: pure function.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "domain/event.hpp"

namespace orgd::replay {

inline constexpr std::string_view kRedacted = "[redacted]";

[[nodiscard]] boost::json::object event_data_json(const domain::Event& event);

// Events and states use "" for "not set"; JSON shows that as null.
[[nodiscard]] boost::json::value null_if_empty(const std::string& text);

}  // namespace orgd::replay
