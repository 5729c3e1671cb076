#include "eventstore/append_stage.hpp"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "eventstore/envelope_codec.hpp"
#include "eventstore/key_encoding.hpp"

namespace orgd::eventstore {
namespace {

AppendError invalid(std::string message) {
  return {.code = AppendErrorCode::invalid_request, .message = std::move(message)};
}

AppendError unavailable(std::string message) {
  return {.code = AppendErrorCode::storage_unavailable, .message = std::move(message)};
}

bool has_nul(std::string_view text) { return text.find('\0') != std::string_view::npos; }

// '\0' separates the parts of "streams" and "claims" keys, so it may not occur where it
// would make two keys ambiguous.
std::optional<AppendError> check_shape(const AppendRequest& request) {
  if (request.streams.empty() && request.claims.empty() && request.releases.empty()) {
    return invalid("nothing to append: no streams, claims or releases");
  }
  std::unordered_set<std::string_view> seen;
  for (const auto& stream : request.streams) {
    if (stream.stream_id.empty()) return invalid("empty stream id");
    if (has_nul(stream.stream_id)) return invalid("stream id contains a NUL byte");
    if (!seen.insert(stream.stream_id).second) {
      return invalid("stream '" + stream.stream_id + "' appears twice in one append");
    }
  }
  for (const auto& claim : request.claims) {
    if (claim.scope.empty() || has_nul(claim.scope) || claim.value.empty() || claim.owner.empty()) {
      return invalid("a claim needs a scope (without NUL bytes), a value and an owner");
    }
  }
  for (const auto& release : request.releases) {
    if (release.scope.empty() || has_nul(release.scope) || release.value.empty()) {
      return invalid("a release needs a scope (without NUL bytes) and a value");
    }
  }
  return std::nullopt;
}

std::string describe(const ExpectedVersion& expected) {
  switch (expected.kind) {
    case ExpectedVersion::Kind::any:
      return "any version";
    case ExpectedVersion::Kind::no_stream:
      return "no stream";
    case ExpectedVersion::Kind::exists:
      return "an existing stream";
    case ExpectedVersion::Kind::exact:
      return "version " + std::to_string(expected.version);
  }
  return "?";
}

// The current version of every entry's stream, or the first mismatch.
std::expected<std::vector<std::uint64_t>, AppendError> check_versions(const AppendRequest& request,
                                                                      const BatchState& state) {
  std::vector<std::uint64_t> current;
  current.reserve(request.streams.size());
  for (const auto& stream : request.streams) {
    const auto version = state.stream_version(stream.stream_id);
    if (!version) return std::unexpected(unavailable(version.error().message));
    if (!stream.expected.matches(*version)) {
      return std::unexpected(AppendError{.code = AppendErrorCode::version_conflict,
                                         .stream_id = stream.stream_id,
                                         .actual_version = *version,
                                         .message = "stream '" + stream.stream_id +
                                                    "' is at version " + std::to_string(*version) +
                                                    ", expected " + describe(stream.expected)});
    }
    current.push_back(*version);
  }
  return current;
}

struct ClaimChange {
  std::string_view scope;
  std::string_view value;
  std::optional<std::string> owner;  // nullopt: release
};

// The request's claim changes in order, or the first value owned by someone else. Releases
// come first so that one append can free a value and claim it again.
std::expected<std::vector<ClaimChange>, AppendError> check_claims(const AppendRequest& request,
                                                                  const BatchState& state) {
  std::vector<ClaimChange> changes;
  std::unordered_map<std::string, std::optional<std::string>> mine;  // this request's changes
  for (const auto& release : request.releases) {
    changes.push_back({release.scope, release.value, std::nullopt});
    mine[claim_key(release.scope, release.value)] = std::nullopt;
  }
  for (const auto& claim : request.claims) {
    const std::string key = claim_key(claim.scope, claim.value);
    std::optional<std::string> owner;
    if (const auto it = mine.find(key); it != mine.end()) {
      owner = it->second;
    } else {
      auto stored = state.claim_owner(claim.scope, claim.value);
      if (!stored) return std::unexpected(unavailable(stored.error().message));
      owner = std::move(*stored);
    }
    if (owner && *owner != claim.owner) {
      return std::unexpected(AppendError{
          .code = AppendErrorCode::claim_taken,
          .claim_scope = claim.scope,
          .claim_value = claim.value,
          .message = "'" + claim.value + "' in scope '" + claim.scope + "' is already claimed"});
    }
    changes.push_back({claim.scope, claim.value, claim.owner});
    mine[key] = claim.owner;
  }
  return changes;
}

rocksdb::Status put_stream(const AppendRequest& request, const StreamAppend& stream,
                           std::uint64_t version, ChainTip& tip, StageContext& context) {
  for (const auto& event : stream.events) {
    Envelope envelope{.position = tip.position + 1,
                      .stream_id = stream.stream_id,
                      .version = ++version,
                      .type = event.type,
                      .schema_version = event.schema_version,
                      .timestamp_ms = tip.timestamp_ms,
                      .actor = request.actor,
                      .correlation_id = request.correlation_id,
                      .idempotency_key = request.idempotency_key,
                      .payload = event.payload};
    const std::string value = seal_envelope(envelope, tip.hash);
    const std::string position = event_key(envelope.position);
    auto status = context.batch.Put(context.cfs.events, position, value);
    if (status.ok()) {
      status = context.batch.Put(context.cfs.streams, stream_version_key(stream.stream_id, version),
                                 position);
    }
    if (!status.ok()) return status;
    tip.position = envelope.position;
    tip.hash = envelope.hash;
  }
  if (stream.events.empty()) return rocksdb::Status::OK();  // a guard writes nothing
  return context.batch.Put(context.cfs.stream_heads, stream.stream_id, encode_u64(version));
}

rocksdb::Status put_request(const AppendRequest& request,
                            const std::vector<std::uint64_t>& versions,
                            const std::vector<ClaimChange>& claims, ChainTip& tip,
                            StageContext& context) {
  for (std::size_t i = 0; i < request.streams.size(); ++i) {
    auto status = put_stream(request, request.streams[i], versions[i], tip, context);
    if (!status.ok()) return status;
  }
  for (const auto& change : claims) {
    const std::string key = claim_key(change.scope, change.value);
    auto status = change.owner ? context.batch.Put(context.cfs.claims, key, *change.owner)
                               : context.batch.Delete(context.cfs.claims, key);
    if (!status.ok()) return status;
  }
  return rocksdb::Status::OK();
}

void remember(const AppendRequest& request, const std::vector<std::uint64_t>& versions,
              const std::vector<ClaimChange>& claims, BatchState& state) {
  for (std::size_t i = 0; i < request.streams.size(); ++i) {
    state.set_stream_version(request.streams[i].stream_id,
                             versions[i] + request.streams[i].events.size());
  }
  for (const auto& change : claims) state.set_claim_owner(change.scope, change.value, change.owner);
}

}  // namespace

std::expected<AppendResult, AppendError> stage_append(const AppendRequest& request,
                                                      StageContext& context) {
  if (auto error = check_shape(request)) return std::unexpected(std::move(*error));
  const auto versions = check_versions(request, context.state);
  if (!versions) return std::unexpected(versions.error());
  const auto claims = check_claims(request, context.state);
  if (!claims) return std::unexpected(claims.error());

  ChainTip tip = context.tip;
  const std::int64_t requested = request.timestamp_ms != 0 ? request.timestamp_ms : context.now_ms;
  const std::int64_t recorded = std::max(requested, tip.timestamp_ms);
  tip.timestamp_ms = recorded;
  // A save point lets a request whose writes cannot be added leave no partial writes behind.
  context.batch.SetSavePoint();
  if (const auto status = put_request(request, *versions, *claims, tip, context); !status.ok()) {
    (void)context.batch.RollbackToSavePoint();  // restores the batch as it was; cannot fail here
    return std::unexpected(unavailable(status.ToString()));
  }
  (void)context.batch.PopSavePoint();
  remember(request, *versions, *claims, context.state);

  AppendResult result{
      .first_position = tip.position > context.tip.position ? context.tip.position + 1 : 0,
      .last_position = tip.position,
      .timestamp_ms = recorded};
  for (std::size_t i = 0; i < request.streams.size(); ++i) {
    result.stream_versions.push_back((*versions)[i] + request.streams[i].events.size());
  }
  if (result.first_position != 0) context.tip = tip;  // guards and claims leave the time alone
  return result;
}

}  // namespace orgd::eventstore
