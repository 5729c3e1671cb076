#pragma once
// What a member's departure from an organization needs to decide which groups it leaves
// (domain::leave_groups): the ordinary groups of that organization that hold it.

#include <cstdint>
#include <expected>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_context.hpp"
#include "api/command_runner.hpp"
#include "domain/group/group_decisions.hpp"

namespace orgd::api {

// `member_id`: a customer (of a customers group) or a resource (of a things group). The ids
// come from the resources read model, which indexes the members of ordinary groups; each group
// is then rebuilt from its stream, so the decision guards the version it read. An addition to a
// group that the read model does not show yet is missed (the addition guards only the member's
// stream, which it does not move): leave_groups_joined_meanwhile catches those.
[[nodiscard]] std::expected<std::vector<domain::Group>, std::string> groups_holding(
    const ApiContext& context, std::string_view member_id, std::string_view organization_id);

// Who left which organization; the command's decision fills in the organization when only the
// loaded state knows it (a deleted customer's, a resource's), its last attempt's being the one
// applied, and leaves it empty when the member did not leave (a resource handed to a customer
// of its own organization).
struct Departure {
  enum class Member : std::uint8_t { customer, resource };
  Member kind{Member::customer};
  std::string member_id;
  std::string organization_id;
};

// Wraps a departure's CommandDone. Once the departure is applied, the groups of the
// organization it left that the read model shows holding the member are ones an addition put
// it in while the departure was decided, which groups_holding could not see; they are left in a
// second append (domain::leave_groups_joined_while_leaving: not if the member is back; with the
// departure's correlation id, no Idempotency-Key) before `done` is told, with that append's
// position. An addition decided later is refused: it guards the member's stream, which the
// departure moved. A second append that fails (storage, or a version conflict 8 times) leaves
// those groups as they were, and the departure is answered all the same: it is applied. The
// second look runs on a retry worker (it reads the read models and the streams).
[[nodiscard]] CommandDone leave_groups_joined_meanwhile(ApiContext& context,
                                                        const CommandMeta& meta,
                                                        std::shared_ptr<const Departure> departure,
                                                        CommandDone done);

}  // namespace orgd::api
