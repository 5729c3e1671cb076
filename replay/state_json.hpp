#pragma once
// States rebuilt by time travel, as JSON: the same field names as the live representations
// (SPEC section 4), plus `deleted` (a deleted aggregate is shown as it was when deleted) and
// `asOf: {position, time}`. Never includes the password hash.
// Thread-safety: pure functions.

#include <boost/json/object.hpp>

#include "replay/as_of.hpp"

namespace orgd::replay {

[[nodiscard]] boost::json::object organization_state_json(const OrganizationAsOf& as_of);
[[nodiscard]] boost::json::object customer_state_json(const CustomerAsOf& as_of);

}  // namespace orgd::replay
