#include "api/http/params.hpp"

#include <algorithm>

namespace orgd::api {

void Params::add(std::string name, std::string value) {
  entries_.emplace_back(std::move(name), std::move(value));
}

std::optional<std::string_view> Params::get(std::string_view name) const {
  const auto it =
      std::ranges::find_if(entries_, [name](const Entry& entry) { return entry.first == name; });
  if (it == entries_.end()) return std::nullopt;
  return std::string_view{it->second};
}

std::string_view Params::operator[](std::string_view name) const {
  return get(name).value_or(std::string_view{});
}

}  // namespace orgd::api
