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

namespace {

constexpr std::size_t kPadding = 64;

}  // namespace

bool ScanDatabase::Scan(const char* data, std::size_t size, OnMatch on_match, void* context) const {
  if (size > kMaxScanBytes) return false;
  // The bytes are scanned from a copy followed by the padding.
  thread_local std::string padded;
  padded.assign(data, size);
  const bool ok = ScanInPlace(&padded, on_match, context);
  // A huge text does not keep its copy's memory for the thread's life.
  if (padded.capacity() > (16u << 20)) std::string().swap(padded);
  return ok;
}

bool ScanDatabase::ScanInPlace(std::string* bytes, OnMatch on_match, void* context) const {
  const std::size_t size = bytes->size();
  if (size > kMaxScanBytes) return false;
  hs_scratch_t* scratch = ThreadScratch(impl_->prototype, impl_->id);
  if (scratch == nullptr) return false;
  // Scanned with the padding after the bytes; ends past them are not
  // reported (see the header).
  bytes->append(kPadding, '\0');
  struct Forward {
    OnMatch on_match;
    void* context;
    std::size_t size;
  } forward{on_match, context, size};
  const hs_error_t rc = hs_scan(
      impl_->db, bytes->data(), static_cast<unsigned>(bytes->size()), 0, scratch,
      [](unsigned id, unsigned long long from, unsigned long long to, unsigned flags, void* p) -> int {
        auto* f = static_cast<Forward*>(p);
        return to > f->size ? 0 : f->on_match(id, from, to, flags, f->context);
      },
      &forward);
  bytes->resize(size);
  return rc == HS_SUCCESS;
}

}  // namespace moisson::filters
