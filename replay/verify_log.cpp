#include <rocksdb/db.h>

#include <memory>

#include "domain/event_codec.hpp"
#include "eventstore/column_families.hpp"
#include "eventstore/envelope_codec.hpp"
#include "eventstore/key_encoding.hpp"
#include "replay/history_entry.hpp"
#include "replay/verify_checks.hpp"

namespace orgd::replay {
namespace {

std::string_view view(const rocksdb::Slice& s) { return {s.data(), s.size()}; }

// Walks the raw "events" column family (not read_all, which stops at the first undecodable
// envelope without saying more) and checks each envelope against the one before it.
class LogWalk {
 public:
  LogWalk(CheckResult& result, LogFacts& facts) : result_(result), facts_(facts) {}

  // False once a divergence was recorded.
  bool step(std::string_view key, std::string_view value) {
    const std::uint64_t expected = last_ + 1;
    const auto position = eventstore::decode_u64(key);
    if (!position) return fail(expected, "an 8-byte position key", "key " + printable_bytes(key));
    if (*position != expected) {
      return fail(expected, "the event at position " + std::to_string(expected),
                  "no such event; the next stored one is at position " +
                      std::to_string(*position));
    }
    auto envelope = eventstore::decode_envelope(value);
    if (!envelope) return fail(expected, "an envelope that decodes", envelope.error());
    return check(*envelope);
  }

  [[nodiscard]] const ClaimTracker& claims() const { return claims_; }
  [[nodiscard]] const MembershipTracker& memberships() const { return memberships_; }

  bool finish(const eventstore::Store& store) {
    if (store.head_position() != last_) {
      return fail(last_ + 1, "the log to end at the store's head " +
                                 std::to_string(store.head_position()),
                  "it ends at position " + std::to_string(last_));
    }
    if (store.head_hash() != hash_) {
      return fail(last_, "head hash " + hash_hex(hash_), "head hash " + hash_hex(store.head_hash()));
    }
    return true;
  }

 private:
  bool check(const eventstore::Envelope& e) {
    const std::uint64_t p = last_ + 1;
    if (e.position != p) {
      return fail(p, "an envelope of position " + std::to_string(p),
                  "one of position " + std::to_string(e.position));
    }
    const auto hash = eventstore::chain_hash(hash_, e);
    if (hash != e.hash) return fail(p, "hash " + hash_hex(hash), "hash " + hash_hex(e.hash));
    auto& versions = facts_.streams[e.stream_id];
    if (e.version != versions.size() + 1) {
      return fail(p, e.stream_id + " version " + std::to_string(versions.size() + 1),
                  "version " + std::to_string(e.version));
    }
    if (e.timestamp_ms < time_) {
      return fail(p, "a time >= the previous event's", "an earlier time");
    }
    auto event = domain::decode_event(e.type, e.schema_version, e.payload);
    if (!event) return fail(p, "a " + e.type + " payload that decodes", event.error());
    claims_.observe(e, *event);
    memberships_.observe(e, *event);
    versions.push_back(p);
    last_ = p;
    hash_ = e.hash;
    time_ = e.timestamp_ms;
    ++result_.checked;
    return true;
  }

  bool fail(std::uint64_t position, std::string expected, std::string found) {
    result_.divergence = Divergence{position, std::move(expected), std::move(found)};
    return false;
  }

  CheckResult& result_;
  ClaimTracker claims_;
  MembershipTracker memberships_;
  LogFacts& facts_;
  std::uint64_t last_{0};
  eventstore::Hash hash_{};
  std::int64_t time_{0};
};

}  // namespace

CheckResult check_log(const eventstore::Store& store, LogFacts& facts) {
  CheckResult result{"log"};
  LogWalk walk(result, facts);
  std::unique_ptr<rocksdb::Iterator> it(store.db()->NewIterator(
      rocksdb::ReadOptions(), store.column_family(eventstore::kEventsCf)));
  bool ok = true;
  for (it->SeekToFirst(); ok && it->Valid(); it->Next()) ok = walk.step(view(it->key()), view(it->value()));
  if (ok && !it->status().ok()) {
    result.divergence = Divergence{0, "a readable log", it->status().ToString()};
    ok = false;
  }
  if (ok) walk.finish(store);
  facts.claims = walk.claims().expected();
  facts.stale_memberships = walk.memberships().stale(facts.memberships);
  return result;
}

}  // namespace orgd::replay
