#pragma once
// What a member's departure from an organization needs to decide which groups it leaves
// (domain::leave_groups): the ordinary groups of that organization that hold it; and the second
// look at them once the departure is applied, which run_command takes for every decision
// with departures.

#include <cstdint>
#include <expected>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "api/api_context.hpp"
#include "api/command_executor.hpp"
#include "domain/group/group_decisions.hpp"

namespace orgd::api {

// `member_id`: a customer (of a customers group) or a resource (of a things group). The ids
// come from the resources read model, which indexes the members of ordinary groups; each group
// is then rebuilt from its stream, so the decision guards the version it read. An addition to a
// group that the read model does not show yet is missed (the addition guards only the member's
// stream, which it does not move): look_again_after_departures catches those.
[[nodiscard]] std::expected<std::vector<domain::Group>, std::string> groups_holding(
    const ApiContext& context, std::string_view member_id, std::string_view organization_id);

// After a decision with departures (domain::Decision::departures) is applied at `departed_at`:
// the groups of the organization each member left that the read model now shows holding it by
// a membership from before `departed_at` were joined while the departure was decided, which
// groups_holding could not see; the member leaves them in a second append
// (domain::leave_groups_joined_before; with `meta`'s correlation id, no Idempotency-Key). An
// addition decided later is refused: it guards the member's stream, which the departure moved.
// `done` gets the position to answer with: the second append's, or `departed_at` when there was
// nothing to leave or the second append failed (storage, or a version conflict 8 times: logged
// as a warning, the member left in those groups; the departure is applied and answered all the
// same). Runs on a retry worker (it reads the read models and the streams); when the server is
// stopping, `done` is told at once.
void look_again_after_departures(ApiContext& context, const CommandMeta& meta,
                                 std::vector<domain::Departure> departures,
                                 std::uint64_t departed_at,
                                 std::function<void(std::uint64_t)> done);

}  // namespace orgd::api
