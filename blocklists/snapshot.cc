// Compiled snapshot files for SiteMatcher (see site_list.h).
//
// Layout, little-endian (x86-64 and aarch64 both are; the magic would change
// for a big-endian port):
//   0   "MOISSBL1"
//   8   u32 version (1), u32 reserved
//   16  u64 capacity (power of two)   24 u64 domain count   32 u64 url count
//   40  u64 slots offset (8-aligned)  48 u64 metas offset (4-aligned)
//   56  u64 blob offset               64 u64 blob size
//   72  u32 CRC-32 of every byte from 80 to the end, u32 reserved
//   80  slots (u64 x capacity), metas (u16 category, u16 source x capacity),
//       blob (categories, sources, url entries, white entries, expressions:
//       u32 counts and u32-length-prefixed strings)
#include <fcntl.h>
#include <re2/re2.h>
#include <re2/set.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <cstring>

#include "blocklists/site_list.h"
#include "blocklists/site_list_internal.h"
#include "core/file_util.h"

namespace moisson::blocklists {
namespace {

constexpr char kMagic[8] = {'M', 'O', 'I', 'S', 'S', 'B', 'L', '1'};
constexpr std::uint32_t kVersion = 1;
constexpr std::size_t kHeaderBytes = 80;

void PutU32(std::string* out, std::uint32_t v) { out->append(reinterpret_cast<const char*>(&v), 4); }
void PutU64(std::string* out, std::uint64_t v) { out->append(reinterpret_cast<const char*>(&v), 8); }
void PutStr(std::string* out, std::string_view s) {
  PutU32(out, static_cast<std::uint32_t>(s.size()));
  out->append(s);
}

// Bounds-checked reader over the blob.
class BlobReader {
 public:
  BlobReader(const char* p, std::size_t n) : p_(p), n_(n) {}
  bool U32(std::uint32_t* v) {
    if (n_ - pos_ < 4) return false;
    std::memcpy(v, p_ + pos_, 4);
    pos_ += 4;
    return true;
  }
  bool U16(std::uint16_t* v) {
    if (n_ - pos_ < 2) return false;
    std::memcpy(v, p_ + pos_, 2);
    pos_ += 2;
    return true;
  }
  bool Str(std::string* s) {
    std::uint32_t len;
    if (!U32(&len) || n_ - pos_ < len) return false;
    s->assign(p_ + pos_, len);
    pos_ += len;
    return true;
  }
  // A count of items that each take at least `min_bytes`: rejects counts the
  // remaining bytes cannot hold, so a corrupt count cannot make us allocate.
  bool Count(std::uint32_t* v, std::size_t min_bytes) { return U32(v) && *v <= (n_ - pos_) / min_bytes; }
  bool AtEnd() const { return pos_ == n_; }

 private:
  const char* p_;
  std::size_t n_;
  std::size_t pos_ = 0;
};

}  // namespace

struct SiteMatcher::Mapping {
  void* addr = MAP_FAILED;
  std::size_t size = 0;
  ~Mapping() {
    if (addr != MAP_FAILED) ::munmap(addr, size);
  }
};

Status WriteSnapshot(const SiteMatcher& m, const std::string& path) {
  std::string blob;
  PutU32(&blob, static_cast<std::uint32_t>(m.categories_.size()));
  for (const auto& c : m.categories_) PutStr(&blob, c);
  PutU32(&blob, static_cast<std::uint32_t>(m.sources_.size()));
  for (const auto& s : m.sources_) PutStr(&blob, s);
  PutU32(&blob, static_cast<std::uint32_t>(m.urls_.size()));
  for (const auto& [host, entries] : m.urls_) {
    PutStr(&blob, host);
    PutU32(&blob, static_cast<std::uint32_t>(entries.size()));
    for (const auto& e : entries) {
      PutStr(&blob, e.path);
      blob.append(reinterpret_cast<const char*>(&e.meta), sizeof e.meta);
    }
  }
  PutU32(&blob, static_cast<std::uint32_t>(m.white_domains_.size()));
  for (const auto& d : m.white_domains_) PutStr(&blob, d);
  PutU32(&blob, static_cast<std::uint32_t>(m.white_urls_.size()));
  for (const auto& [host, paths] : m.white_urls_) {
    PutStr(&blob, host);
    PutU32(&blob, static_cast<std::uint32_t>(paths.size()));
    for (const auto& p : paths) PutStr(&blob, p);
  }
  PutU32(&blob, static_cast<std::uint32_t>(m.expressions_.size()));
  for (const auto& e : m.expressions_) {
    PutStr(&blob, e.text);
    blob.append(reinterpret_cast<const char*>(&e.meta), sizeof e.meta);
  }

  const std::uint64_t slots_off = kHeaderBytes;
  const std::uint64_t metas_off = slots_off + m.capacity_ * sizeof(std::uint64_t);
  const std::uint64_t blob_off = metas_off + m.capacity_ * sizeof(SiteMatcher::Meta);
  std::string file;
  file.reserve(blob_off + blob.size());
  file.append(kMagic, 8);
  PutU32(&file, kVersion);
  PutU32(&file, 0);
  PutU64(&file, m.capacity_);
  PutU64(&file, m.domain_count_);
  PutU64(&file, m.url_count_);
  PutU64(&file, slots_off);
  PutU64(&file, metas_off);
  PutU64(&file, blob_off);
  PutU64(&file, blob.size());
  PutU32(&file, 0);  // CRC, filled below
  PutU32(&file, 0);
  file.append(reinterpret_cast<const char*>(m.slot_ptr_), m.capacity_ * sizeof(std::uint64_t));
  file.append(reinterpret_cast<const char*>(m.meta_ptr_), m.capacity_ * sizeof(SiteMatcher::Meta));
  file.append(blob);
  const std::uint32_t crc = static_cast<std::uint32_t>(
      crc32_z(0, reinterpret_cast<const Bytef*>(file.data() + kHeaderBytes), file.size() - kHeaderBytes));
  std::memcpy(file.data() + 72, &crc, 4);
  return WriteFileAtomically(path, file);
}

Result<SiteMatcher> LoadSnapshot(const std::string& path) {
  auto corrupt = [&](const std::string& why) { return Status::InvalidArgument(path + ": corrupt snapshot: " + why); };
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return Status::NotFound(path + ": cannot open snapshot");
  struct stat st;
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return Status::InvalidArgument(path + ": not a regular file");
  }
  const std::size_t size = static_cast<std::size_t>(st.st_size);
  if (size < kHeaderBytes) {
    ::close(fd);
    return corrupt("shorter than its header");
  }
  auto mapping = std::make_shared<SiteMatcher::Mapping>();
  mapping->addr = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0);
  ::close(fd);
  if (mapping->addr == MAP_FAILED) return Status::Io(path + ": mmap failed");
  mapping->size = size;
  const char* base = static_cast<const char*>(mapping->addr);

  if (std::memcmp(base, kMagic, 8) != 0) return Status::InvalidArgument(path + ": not a moisson blocklist snapshot");
  std::uint32_t version;
  std::uint64_t capacity, domains, urls, slots_off, metas_off, blob_off, blob_size;
  std::uint32_t crc;
  std::memcpy(&version, base + 8, 4);
  std::memcpy(&capacity, base + 16, 8);
  std::memcpy(&domains, base + 24, 8);
  std::memcpy(&urls, base + 32, 8);
  std::memcpy(&slots_off, base + 40, 8);
  std::memcpy(&metas_off, base + 48, 8);
  std::memcpy(&blob_off, base + 56, 8);
  std::memcpy(&blob_size, base + 64, 8);
  std::memcpy(&crc, base + 72, 4);
  if (version != kVersion) return corrupt("version " + std::to_string(version) + " (this moisson reads 1)");
  if (capacity == 0 || (capacity & (capacity - 1)) != 0 || capacity > (std::uint64_t{1} << 40)) {
    return corrupt("table capacity is not a power of two");
  }
  if (domains * 4 > capacity * 3) return corrupt("table fuller than 3/4");
  if (slots_off != kHeaderBytes || metas_off != slots_off + capacity * 8 ||
      blob_off != metas_off + capacity * sizeof(SiteMatcher::Meta) || blob_off > size || blob_size != size - blob_off) {
    return corrupt("section offsets do not match the file size");
  }
  const std::uint32_t actual =
      static_cast<std::uint32_t>(crc32_z(0, reinterpret_cast<const Bytef*>(base + kHeaderBytes), size - kHeaderBytes));
  if (actual != crc) return corrupt("checksum mismatch (damaged or truncated file)");

  SiteMatcher m;
  BlobReader r(base + blob_off, blob_size);
  std::uint32_t n;
  if (!r.Count(&n, 4)) return corrupt("category table");
  m.categories_.resize(n);
  for (auto& c : m.categories_) {
    if (!r.Str(&c)) return corrupt("category table");
  }
  if (!r.Count(&n, 4)) return corrupt("source table");
  m.sources_.resize(n);
  for (auto& s : m.sources_) {
    if (!r.Str(&s)) return corrupt("source table");
  }
  auto meta_ok = [&](const SiteMatcher::Meta& meta) {
    return meta.category < m.categories_.size() && meta.source < m.sources_.size();
  };
  if (!r.Count(&n, 8)) return corrupt("url table");
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string host;
    std::uint32_t k;
    if (!r.Str(&host) || !r.Count(&k, 8)) return corrupt("url table");
    auto& entries = m.urls_[host];
    for (std::uint32_t j = 0; j < k; ++j) {
      SiteMatcher::UrlEntry e;
      if (!r.Str(&e.path) || !r.U16(&e.meta.category) || !r.U16(&e.meta.source) || !meta_ok(e.meta) ||
          e.path.empty() || e.path[0] != '/') {
        return corrupt("url entry");
      }
      entries.push_back(std::move(e));
      ++m.url_count_;
    }
  }
  if (!r.Count(&n, 4)) return corrupt("white domains");
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string d;
    if (!r.Str(&d)) return corrupt("white domains");
    m.white_domains_.insert(std::move(d));
  }
  if (!r.Count(&n, 8)) return corrupt("white urls");
  for (std::uint32_t i = 0; i < n; ++i) {
    std::string host;
    std::uint32_t k;
    if (!r.Str(&host) || !r.Count(&k, 4)) return corrupt("white urls");
    auto& paths = m.white_urls_[host];
    for (std::uint32_t j = 0; j < k; ++j) {
      std::string p;
      if (!r.Str(&p)) return corrupt("white urls");
      paths.push_back(std::move(p));
    }
  }
  if (!r.Count(&n, 8)) return corrupt("expressions");
  RE2::Options opt;
  opt.set_posix_syntax(true);
  opt.set_log_errors(false);
  opt.set_max_mem(256 << 20);
  m.expression_set_ = std::make_unique<SiteMatcher::ExpressionSet>(opt);
  for (std::uint32_t i = 0; i < n; ++i) {
    SiteMatcher::Expression e;
    if (!r.Str(&e.text) || !r.U16(&e.meta.category) || !r.U16(&e.meta.source) || !meta_ok(e.meta)) {
      return corrupt("expressions");
    }
    if (m.expression_set_->set.Add(e.text, nullptr) < 0) return corrupt("an expression does not compile");
    m.expressions_.push_back(std::move(e));
  }
  if (!m.expression_set_->set.Compile()) return corrupt("expressions exceed RE2's memory budget");
  if (!r.AtEnd()) return corrupt("trailing bytes");
  if (m.url_count_ != urls) return corrupt("url count");

  m.slot_ptr_ = reinterpret_cast<const std::uint64_t*>(base + slots_off);
  m.meta_ptr_ = reinterpret_cast<const SiteMatcher::Meta*>(base + metas_off);
  m.capacity_ = capacity;
  std::uint64_t used = 0;
  for (std::uint64_t i = 0; i < capacity; ++i) {
    if (m.slot_ptr_[i] == 0) continue;
    ++used;
    if (!meta_ok(m.meta_ptr_[i])) return corrupt("domain entry with an unknown category");
  }
  if (used != domains) return corrupt("domain count");
  m.domain_count_ = domains;
  m.BuildPrefilter();
  m.mapping_ = std::move(mapping);
  return m;
}

}  // namespace moisson::blocklists
