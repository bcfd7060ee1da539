#include "filters/scan_database.h"

#include <hs/hs.h>

#include <atomic>

namespace moisson::filters {
namespace {

std::atomic<std::uint64_t> next_database_id{1};

struct ThreadScratches {
  struct Entry {
    std::uint64_t id;
    hs_scratch_t* scratch;
  };
  std::vector<Entry> entries;
  ~ThreadScratches() {
    for (auto& e : entries) hs_free_scratch(e.scratch);
  }
};

hs_scratch_t* ThreadScratch(const hs_scratch_t* prototype, std::uint64_t id) {
  thread_local ThreadScratches cache;
  for (auto& e : cache.entries) {
    if (e.id == id) return e.scratch;
  }
  hs_scratch_t* s = nullptr;
  if (hs_clone_scratch(prototype, &s) != HS_SUCCESS) return nullptr;
  // Databases created and dropped over a long run leave entries behind:
  // keep the last few only.
  if (cache.entries.size() >= 8) {
    hs_free_scratch(cache.entries.front().scratch);
    cache.entries.erase(cache.entries.begin());
  }
  cache.entries.push_back({id, s});
  return s;
}

}  // namespace

struct ScanDatabase::Impl {
  hs_database_t* db = nullptr;
  hs_scratch_t* prototype = nullptr;  // cloned per thread, never used to scan
  std::uint64_t id = next_database_id++;
  ~Impl() {
    hs_free_scratch(prototype);
    hs_free_database(db);
  }
};

Result<ScanDatabase> ScanDatabase::Compile(const std::vector<std::string>& expressions,
                                           const std::vector<unsigned>& flags, const std::vector<unsigned>& ids,
                                           int* bad_index) {
  if (expressions.empty() || flags.size() != expressions.size() || ids.size() != expressions.size()) {
    return Status::Internal("a scan database needs one flag and one id per expression, and at least one");
  }
  auto impl = std::make_shared<Impl>();
  std::vector<const char*> exprs;
  exprs.reserve(expressions.size());
  for (const auto& e : expressions) exprs.push_back(e.c_str());
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                       nullptr, &impl->db, &err) != HS_SUCCESS) {
    const std::string message = err && err->message ? err->message : "unknown error";
    if (bad_index) *bad_index = err ? err->expression : -1;
    hs_free_compile_error(err);
    return Status::Internal(message);
  }
  if (hs_alloc_scratch(impl->db, &impl->prototype) != HS_SUCCESS) return Status::Internal("no Vectorscan scratch");
  return ScanDatabase(std::move(impl));
}

bool ScanDatabase::Scan(const char* data, std::size_t size, OnMatch on_match, void* context) const {
  hs_scratch_t* scratch = ThreadScratch(impl_->prototype, impl_->id);
  if (scratch == nullptr) return false;
  return hs_scan(impl_->db, data, static_cast<unsigned>(size), 0, scratch, on_match, context) == HS_SUCCESS;
}

}  // namespace moisson::filters
