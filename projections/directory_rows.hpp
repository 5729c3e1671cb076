#pragma once
// Rows of the contracts, groups and invoices read models.

#include <cereal/types/string.hpp>
#include <cstdint>
#include <string>

namespace orgd::projections {

struct ContractRow {
  std::string id;
  std::string title;
  std::string text;
  std::string url;
  std::string version_label;
  std::uint64_t revision{0};
  std::int64_t created_ms{0};
  std::int64_t updated_ms{0};
  std::string created_by;
  std::string updated_by;
  std::uint64_t version{0};

  template <class Archive>
  void serialize(Archive& ar) {
    ar(id, title, text, url, version_label, revision, created_ms, updated_ms, created_by,
       updated_by, version);
  }
};

struct GroupRow {
  std::string id;
  std::string organization_id;
  std::string name;
  std::string kind;
  bool global{false};
  std::uint64_t member_count{0};
  std::int64_t created_ms{0};
  std::int64_t updated_ms{0};
  std::string created_by;
  std::string updated_by;
  std::uint64_t version{0};

  template <class Archive>
  void serialize(Archive& ar) {
    ar(id, organization_id, name, kind, global, member_count, created_ms, updated_ms, created_by,
       updated_by, version);
  }
};

struct InvoiceRow {
  std::string id;
  std::string organization_id;
  std::string period;
  std::int64_t amount_minor{0};
  std::string currency;
  std::string status;
  std::int64_t created_ms{0};
  std::int64_t updated_ms{0};
  std::string created_by;
  std::string updated_by;
  std::uint64_t version{0};

  template <class Archive>
  void serialize(Archive& ar) {
    ar(id, organization_id, period, amount_minor, currency, status, created_ms, updated_ms,
       created_by, updated_by, version);
  }
};

}  // namespace orgd::projections
