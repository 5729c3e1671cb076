#include "api/rendered_organizations.hpp"

#include "api/representations.hpp"
#include "projections/organization_row.hpp"

namespace orgd::api {

std::expected<void, std::string> RenderedOrganizations::append_json(
    std::string& out, std::string_view encoded) const {
  {
    std::lock_guard lock(mutex_);
    if (const auto it = json_.find(encoded); it != json_.end()) {
      out += it->second;
      return {};
    }
  }
  auto row = projections::decode_organization_row(encoded);
  if (!row) return std::unexpected(std::move(row.error()));
  // Written straight into `out`; copied out only when kept, which most rows seen once are not.
  const std::size_t start = out.size();
  append_organization_json(out, *row);
  std::lock_guard lock(mutex_);
  if (!offered_.seen_again(BytesHash{}(encoded))) return {};
  if (json_.size() >= kRemembered) json_.clear();
  json_.try_emplace(std::string(encoded), std::string_view(out).substr(start));
  return {};
}

std::size_t RenderedOrganizations::remembered() const {
  std::lock_guard lock(mutex_);
  return json_.size();
}

}  // namespace orgd::api
