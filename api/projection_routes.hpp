#pragma once
// Read models for operators over HTTP:
//   GET  /api/v1/projections                 {projections: [status...]}  (SuperAdmin, auditor)
//   GET  /api/v1/projections/{name}          one status                  (SuperAdmin, auditor)
//   POST /api/v1/projections/{name}/rebuild  online rebuild              (SuperAdmin)
// A status is {name, checkpoint, head, lag, error, columnFamily, rebuild}, where `rebuild` is
// null or the running or last rebuild {state: running|done|failed|cancelled, done, total,
// startedAt, finishedAt, error}.
// A rebuild answers 202 at once with the status (Location: the projection) and runs in the
// background (projections/online_rebuild.hpp); clients poll the status until rebuild.state is
// no longer "running". {name} "all" rebuilds every projection in turn and answers with the
// list. 409 `rebuild-in-progress` while one runs; 404 for an unknown projection.
//
// Thread-safety: handlers run on I/O threads; the rebuild runs on its own thread.

#include "api/api_context.hpp"
#include "api/http/router.hpp"
#include "projections/online_rebuild.hpp"

namespace orgd::api {

void add_projection_routes(Router& router, ApiContext& context,
                           projections::OnlineRebuilds& rebuilds);

}  // namespace orgd::api
