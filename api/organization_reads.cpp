#include "api/organization_reads.hpp"

#include "api/representations.hpp"

namespace orgd::api {

std::expected<std::shared_ptr<const OrganizationRepresentation>, projections::QueryError>
OrganizationReads::read(const std::string& id) const {
  // Read before the read model: a representation is never stamped with a later position than
  // the state it was made from.
  const std::optional<std::uint64_t> position = position_();
  if (position) {
    std::lock_guard lock(mutex_);
    if (auto it = remembered_.find(id);
        it != remembered_.end() && it->second.position == *position) {
      return it->second.representation;
    }
  }
  auto row = organizations_.get(id);
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return nullptr;
  auto made = std::make_shared<OrganizationRepresentation>();
  made->body = organization_body(**row);
  made->etag = etag_of((*row)->version);
  made->row = std::move(**row);
  std::shared_ptr<const OrganizationRepresentation> representation = std::move(made);
  if (position) {
    std::lock_guard lock(mutex_);
    if (remembered_.size() >= kRemembered) remembered_.clear();
    remembered_.insert_or_assign(id, Remembered{*position, representation});
  }
  return representation;
}

}  // namespace orgd::api
