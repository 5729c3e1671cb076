#include <rocksdb/db.h>

#include <memory>

#include "domain/field_rules.hpp"
#include "eventstore/column_families.hpp"
#include "eventstore/idempotency_claim.hpp"
#include "eventstore/key_encoding.hpp"
#include "replay/verify_checks.hpp"

namespace orgd::replay {
namespace {

std::string_view view(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

// Keeps the divergence with the lowest position: the first one in log order. Entries found
// in no event (position 0) come after every positioned one.
void keep_first(CheckResult& result, Divergence d) {
  auto rank = [](std::uint64_t p) { return p == 0 ? UINT64_MAX : p; };
  if (!result.divergence || rank(d.position) < rank(result.divergence->position)) {
    result.divergence = std::move(d);
  }
}

std::uint64_t last_position(const LogFacts& facts, const std::string& stream) {
  const auto it = facts.streams.find(stream);
  return it == facts.streams.end() || it->second.empty() ? 0 : it->second.back();
}

std::unique_ptr<rocksdb::Iterator> walk(const eventstore::Store& store, std::string_view cf) {
  std::unique_ptr<rocksdb::Iterator> it(
      store.db()->NewIterator(rocksdb::ReadOptions(), store.column_family(cf)));
  it->SeekToFirst();
  return it;
}

// Every entry of "streams" against the log; returns how many entries each stream had.
std::map<std::string, std::uint64_t> check_stream_entries(const eventstore::Store& store,
                                                          const LogFacts& facts,
                                                          CheckResult& result) {
  std::map<std::string, std::uint64_t> seen;
  for (auto it = walk(store, eventstore::kStreamsCf); it->Valid(); it->Next()) {
    const auto key = view(it->key());
    const auto nul = key.find('\0');
    const auto version = nul == std::string_view::npos ? std::nullopt
                                                       : eventstore::decode_u64(key.substr(nul + 1));
    const auto position = eventstore::decode_u64(view(it->value()));
    if (!version || !position) {
      keep_first(result, {0, "stream_id \\0 version -> position", "entry " + printable_bytes(key)});
      continue;
    }
    const std::string stream(key.substr(0, nul));
    ++seen[stream];
    ++result.checked;
    const auto log = facts.streams.find(stream);
    if (log == facts.streams.end() || *version == 0 || *version > log->second.size()) {
      keep_first(result, {*position, "no index entry " + stream + " v" + std::to_string(*version),
                          "one pointing at position " + std::to_string(*position)});
    } else if (log->second[*version - 1] != *position) {
      const std::uint64_t right = log->second[*version - 1];
      keep_first(result, {right, stream + " v" + std::to_string(*version) + " -> position " +
                                     std::to_string(right),
                          "-> position " + std::to_string(*position)});
    }
  }
  return seen;
}

void check_heads(const eventstore::Store& store, const LogFacts& facts, CheckResult& result) {
  std::map<std::string, bool> headed;
  for (auto it = walk(store, eventstore::kStreamHeadsCf); it->Valid(); it->Next()) {
    const std::string stream(view(it->key()));
    const auto version = eventstore::decode_u64(view(it->value()));
    const auto log = facts.streams.find(stream);
    const std::uint64_t want = log == facts.streams.end() ? 0 : log->second.size();
    headed[stream] = true;
    if (!version || *version != want) {
      keep_first(result, {last_position(facts, stream),
                          "head of " + stream + " = " + std::to_string(want),
                          version ? std::to_string(*version) : "a malformed value"});
    }
  }
  for (const auto& [stream, positions] : facts.streams) {
    if (!headed.contains(stream)) {
      keep_first(result, {positions.back(), "a head for " + stream, "none"});
    }
  }
}

}  // namespace

CheckResult check_streams(const eventstore::Store& store, const LogFacts& facts) {
  CheckResult result{"streams"};
  const auto seen = check_stream_entries(store, facts, result);
  for (const auto& [stream, positions] : facts.streams) {
    const auto it = seen.find(stream);
    const std::uint64_t count = it == seen.end() ? 0 : it->second;
    if (count < positions.size()) {
      // Which version is missing: the first whose point lookup fails.
      for (std::size_t v = 1; v <= positions.size(); ++v) {
        std::string value;
        if (!store.db()->Get(rocksdb::ReadOptions(), store.column_family(eventstore::kStreamsCf),
                             eventstore::stream_version_key(stream, v), &value).ok()) {
          keep_first(result, {positions[v - 1], "index entry " + stream + " v" + std::to_string(v),
                              "none"});
          break;
        }
      }
    }
  }
  check_heads(store, facts, result);
  return result;
}

CheckResult check_claims(const eventstore::Store& store, const LogFacts& facts) {
  CheckResult result{"claims"};
  std::map<std::string, bool> present;
  for (auto it = walk(store, eventstore::kClaimsCf); it->Valid(); it->Next()) {
    const std::string key(view(it->key()));
    const std::string owner(view(it->value()));
    const std::string scope = key.substr(0, key.find('\0'));
    if (scope != domain::kOrganizationNameScope && scope != domain::kCustomerEmailScope &&
        scope != eventstore::kIdempotencyKeyScope) {
      continue;
    }
    ++result.checked;
    present[key] = true;
    const auto want = facts.claims.find(key);
    if (want == facts.claims.end()) {
      keep_first(result, {last_position(facts, owner), "no claim " + printable_bytes(key),
                          "claimed by " + owner});
    } else if (!want->second.owner.empty() && want->second.owner != owner) {
      keep_first(result, {want->second.position,
                          "claim " + printable_bytes(key) + " owned by " + want->second.owner,
                          "owned by " + owner});
    }
  }
  for (const auto& [key, want] : facts.claims) {
    if (!present.contains(key)) {
      keep_first(result, {want.position, "claim " + printable_bytes(key) + " owned by " + want.owner,
                          "no such claim"});
    }
  }
  return result;
}

void ClaimTracker::observe(const eventstore::Envelope& e, const domain::Event& event) {
  static const std::string kOrganizations = domain::organization_stream("");
  static const std::string kCustomers = domain::customer_stream("");
  if (!e.idempotency_key.empty()) {
    idempotency_keys_.try_emplace(eventstore::idempotency_claim_value(e.actor, e.idempotency_key),
                                  e.position);
  }
  const domain::EventMeta meta{e.version, e.timestamp_ms, e.actor, e.position};
  if (e.stream_id.starts_with(kOrganizations)) {
    auto& tracked = organizations_[e.stream_id];
    const std::string before = domain::fold_case(tracked.state.name);
    tracked.state = domain::apply(std::move(tracked.state), event, meta);
    if (domain::fold_case(tracked.state.name) != before) tracked.value_position = e.position;
  } else if (e.stream_id.starts_with(kCustomers)) {
    auto& tracked = customers_[e.stream_id];
    const std::string before = domain::fold_case(tracked.state.email);
    tracked.state = domain::apply(std::move(tracked.state), event, meta);
    if (domain::fold_case(tracked.state.email) != before) tracked.value_position = e.position;
  }
}

std::map<std::string, ExpectedClaim> ClaimTracker::expected() const {
  std::map<std::string, ExpectedClaim> claims;
  for (const auto& [stream, tracked] : organizations_) {
    if (!tracked.state.exists()) continue;
    claims[eventstore::claim_key(domain::kOrganizationNameScope,
                                 domain::fold_case(tracked.state.name))] = {stream,
                                                                            tracked.value_position};
  }
  for (const auto& [stream, tracked] : customers_) {
    if (!tracked.state.exists()) continue;
    claims[eventstore::claim_key(domain::kCustomerEmailScope,
                                 domain::fold_case(tracked.state.email))] = {stream,
                                                                             tracked.value_position};
  }
  for (const auto& [value, position] : idempotency_keys_) {
    claims[eventstore::claim_key(eventstore::kIdempotencyKeyScope, value)] = {"", position};
  }
  return claims;
}

}  // namespace orgd::replay
