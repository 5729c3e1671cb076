#include "api/organization_reads.hpp"

#include "api/representations.hpp"

namespace orgd::api {

std::expected<std::shared_ptr<const OrganizationRepresentation>, projections::QueryError>
OrganizationReads::read(const std::string& id) const {
  const std::optional<std::uint64_t> position = remembered_.position();  // before the read
  if (auto known = remembered_.find(id, position)) return known;
  auto row = organizations_.get(id);
  if (!row) return std::unexpected(std::move(row.error()));
  if (!*row) return nullptr;
  auto made = std::make_shared<OrganizationRepresentation>();
  made->body = organization_body(**row);
  made->etag = etag_of((*row)->version);
  made->row = std::move(**row);
  std::shared_ptr<const OrganizationRepresentation> representation = std::move(made);
  remembered_.remember(id, position, representation);
  return representation;
}

}  // namespace orgd::api
