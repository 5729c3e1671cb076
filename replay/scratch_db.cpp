#include "replay/scratch_db.hpp"

#include <stdlib.h>

namespace orgd::replay {

std::expected<std::unique_ptr<ScratchDb>, std::string> ScratchDb::open(
    const std::filesystem::path& parent, const std::vector<std::string>& column_families) {
  // A --scratch-dir not made yet is made, as `backup` makes the directories above its target.
  std::error_code ec;
  std::filesystem::create_directories(parent, ec);
  std::string pattern = (parent / "orgd-scratch-XXXXXX").string();
  if (ec || mkdtemp(pattern.data()) == nullptr) {
    return std::unexpected("cannot create a scratch directory under " + parent.string());
  }
  std::unique_ptr<ScratchDb> scratch(new ScratchDb());
  scratch->dir_ = pattern;
  rocksdb::DBOptions options;
  options.create_if_missing = true;
  options.create_missing_column_families = true;
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors{
      {rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions()}};
  for (const auto& name : column_families) descriptors.emplace_back(name, rocksdb::ColumnFamilyOptions());
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  const auto s = rocksdb::DB::Open(options, pattern, descriptors, &handles, &raw);
  if (!s.ok()) return std::unexpected("cannot open a scratch database: " + s.ToString());
  scratch->db_.reset(raw);
  for (auto* handle : handles) scratch->handles_[handle->GetName()] = handle;
  return scratch;
}

ScratchDb::~ScratchDb() {
  if (db_) {
    for (auto& [name, handle] : handles_) (void)db_->DestroyColumnFamilyHandle(handle);
    (void)db_->Close();  // scratch data: nothing to keep
    db_.reset();
  }
  std::error_code ignored;  // best effort: a leftover temp directory harms nothing
  std::filesystem::remove_all(dir_, ignored);
}

rocksdb::ColumnFamilyHandle* ScratchDb::cf(const std::string& name) const {
  const auto it = handles_.find(name);
  return it == handles_.end() ? nullptr : it->second;
}

}  // namespace orgd::replay
