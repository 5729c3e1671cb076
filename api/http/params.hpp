#pragma once
// Decoded name/value pairs: the `{name}` segments of a matched path template (PathParams) or
// the parameters of a query string (QueryParams).
//
// Thread-safety: a plain value; const access from several threads is safe.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace orgd::api {

class Params {
 public:
  using Entry = std::pair<std::string, std::string>;

  // Appends; callers guarantee names are unique (the router and parse_query do).
  void add(std::string name, std::string value);

  // The value of `name`, or nullopt when absent.
  [[nodiscard]] std::optional<std::string_view> get(std::string_view name) const;
  // The value of `name`, or an empty view when absent. Meant for path parameters, which
  // always exist once their template matched.
  [[nodiscard]] std::string_view operator[](std::string_view name) const;
  [[nodiscard]] bool contains(std::string_view name) const { return get(name).has_value(); }

  [[nodiscard]] std::size_t size() const { return entries_.size(); }
  [[nodiscard]] bool empty() const { return entries_.empty(); }
  [[nodiscard]] auto begin() const { return entries_.begin(); }
  [[nodiscard]] auto end() const { return entries_.end(); }

 private:
  // A vector, not a map: requests carry a handful of parameters.
  std::vector<Entry> entries_;
};

using PathParams = Params;
using QueryParams = Params;

}  // namespace orgd::api
