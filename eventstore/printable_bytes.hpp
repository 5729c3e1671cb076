#pragma once
// Stored bytes (keys, values) as a person reads them in a message: printable ASCII as is, the
// rest (and '\') as \xNN; long values are cut with their length noted.

#include <string>
#include <string_view>

namespace orgd::eventstore {

[[nodiscard]] std::string printable_bytes(std::string_view bytes);

}  // namespace orgd::eventstore
