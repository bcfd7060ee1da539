#include "blocklists/site_list.h"

#include <dirent.h>
#include <re2/re2.h>
#include <re2/set.h>
#include <sys/stat.h>
#include <zlib.h>

#include <algorithm>
#include <bit>
#include <cstring>

#include "blocklists/host.h"
#include "blocklists/site_list_internal.h"
#include "core/url.h"
#include "core/strings.h"

namespace moisson::blocklists {
namespace {

// What a line parser returns for a line that is neither an entry nor an
// error (a hosts file's "127.0.0.1 localhost").
constexpr const char kNotAnEntry[] = "\x01";

constexpr std::size_t kMaxLineBytes = 8192;

bool FileExists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 && S_ISREG(st.st_mode);
}

// Reads a gzip or plain text file line by line (zlib reads both).
class LineReader {
 public:
  explicit LineReader(const std::string& path) : path_(path), file_(gzopen(path.c_str(), "rb")) {}
  ~LineReader() {
    if (file_ != nullptr) gzclose(file_);
  }
  bool ok() const { return file_ != nullptr; }
  // Next line without its end; *too_long when it exceeded kMaxLineBytes (the
  // rest of it is consumed). False at end of file or on a read error.
  bool Next(std::string* line, bool* too_long) {
    line->clear();
    *too_long = false;
    char buf[kMaxLineBytes + 2];
    bool any = false;
    while (gzgets(file_, buf, sizeof buf) != nullptr) {
      any = true;
      const std::size_t n = std::strlen(buf);
      const bool complete = n > 0 && buf[n - 1] == '\n';
      if (line->size() + n > kMaxLineBytes + 1) {
        *too_long = true;
      } else {
        line->append(buf, n);
      }
      if (complete) break;
    }
    if (!any) {
      int err = Z_OK;
      gzerror(file_, &err);
      read_error_ = err != Z_OK && err != Z_STREAM_END;
      return false;
    }
    return true;
  }
  bool read_error() const { return read_error_; }

 private:
  std::string path_;
  gzFile file_;
  bool read_error_ = false;
};

// UT1 strips these from the host of its url entries; squidGuard from URLs.
std::string_view StripWwwLabel(std::string_view host) {
  const std::size_t dot = host.find('.');
  if (dot == std::string_view::npos || dot + 1 >= host.size()) return host;
  const std::string_view first = host.substr(0, dot);
  auto digits_after = [&](std::size_t n) {
    for (std::size_t i = n; i < first.size(); ++i) {
      if (first[i] < '0' || first[i] > '9') return false;
    }
    return true;
  };
  if ((first.rfind("www", 0) == 0 && digits_after(3)) || (first.rfind("web", 0) == 0 && digits_after(3)) ||
      (first.rfind("ftp", 0) == 0 && digits_after(3))) {
    return host.substr(dot + 1);
  }
  return host;
}

bool PathPrefixMatches(std::string_view entry, std::string_view path) {
  if (entry.empty() || entry == "/") return true;
  if (path.compare(0, entry.size(), entry) != 0) return false;
  if (path.size() == entry.size() || entry.back() == '/') return true;
  const char next = path[entry.size()];
  return next == '/' || next == '?' || next == ';' || next == '#';
}

}  // namespace

const char* EntryKindName(EntryKind k) {
  switch (k) {
    case EntryKind::kDomain: return "domain";
    case EntryKind::kUrl: return "url";
    case EntryKind::kExpression: return "expression";
  }
  return "domain";
}

std::uint64_t HashDomain(std::string_view s) {
  std::uint64_t h = 1469598103934665603ull;
  for (const char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdull;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ull;
  h ^= h >> 33;
  return h == 0 ? 1 : h;  // 0 marks an empty slot
}

// ---- builder -------------------------------------------------------------------

struct SiteListBuilder::Impl {
  std::vector<std::string> categories;
  std::vector<bool> white;
  std::vector<std::string> sources;
  std::vector<std::pair<std::string, SiteMatcher::Meta>> domains;
  std::vector<std::pair<std::string, SiteMatcher::Meta>> urls;  // "host/path"
  std::vector<std::pair<std::string, SiteMatcher::Meta>> expressions;

  std::uint16_t Category(const std::string& name) {
    for (std::size_t i = 0; i < categories.size(); ++i) {
      if (categories[i] == name) return static_cast<std::uint16_t>(i);
    }
    categories.push_back(name);
    white.push_back(false);
    return static_cast<std::uint16_t>(categories.size() - 1);
  }
  std::uint16_t Source(const std::string& path) {
    sources.push_back(path);
    return static_cast<std::uint16_t>(sources.size() - 1);
  }

  // Reads `path`, calling parse(line) -> "" (ok) or a reason.
  template <typename Parse>
  Status ReadList(const std::string& category, const std::string& path, EntryKind kind, bool strict,
                  ListLoadReport* report, Parse&& parse) {
    ListLoadReport local;
    ListLoadReport* r = report ? report : &local;
    r->file = path;
    r->category = category;
    r->kind = kind;
    if (categories.size() >= 65000 || sources.size() >= 65000) {
      return Status::InvalidArgument(path + ": too many categories or files");
    }
    LineReader reader(path);
    if (!reader.ok()) return Status::NotFound(path + ": cannot open");
    std::string line;
    bool too_long = false;
    while (reader.Next(&line, &too_long)) {
      ++r->lines;
      std::string reason;
      if (too_long) {
        reason = "line longer than 8192 bytes";
      } else {
        const std::string_view t = TrimAsciiSpace(line);
        if (t.empty() || t.front() == '#') continue;
        reason = parse(t);
      }
      if (reason.empty()) {
        ++r->entries;
        continue;
      }
      if (reason == kNotAnEntry) continue;
      if (strict) return Status::AtLine(path, static_cast<int>(r->lines), reason);
      ++r->skipped;
      if (r->errors.size() < kMaxReportedErrors) r->errors.emplace_back(r->lines, reason);
    }
    if (reader.read_error()) return Status::Io(path + ": corrupt or truncated (gzip read error)");
    return Status::Ok();
  }
};

SiteListBuilder::SiteListBuilder() : impl_(std::make_unique<Impl>()) {}
SiteListBuilder::~SiteListBuilder() = default;

void SiteListBuilder::SetWhite(const std::string& category, bool white) {
  impl_->white[impl_->Category(category)] = white;
}

Status SiteListBuilder::AddDomainsFile(const std::string& category, const std::string& path, bool strict,
                                       ListLoadReport* report) {
  const SiteMatcher::Meta meta{impl_->Category(category), impl_->Source(path)};
  return impl_->ReadList(category, path, EntryKind::kDomain, strict, report, [&](std::string_view t) -> std::string {
    if (t.find_first_of(" \t/") != std::string_view::npos) return "not a single domain";
    auto host = NormaliseHost(t);
    if (!host.ok()) return host.status().message();
    impl_->domains.emplace_back(std::move(host.value()), meta);
    return "";
  });
}

Status SiteListBuilder::AddHostsFile(const std::string& category, const std::string& path, bool strict,
                                     ListLoadReport* report) {
  const SiteMatcher::Meta meta{impl_->Category(category), impl_->Source(path)};
  return impl_->ReadList(category, path, EntryKind::kDomain, strict, report, [&](std::string_view t) -> std::string {
    if (const std::size_t hash = t.find('#'); hash != std::string_view::npos) t = TrimAsciiSpace(t.substr(0, hash));
    const std::size_t sp = t.find_first_of(" \t");
    if (sp == std::string_view::npos) return "expected 'ADDRESS HOST...'";
    std::string_view rest = TrimAsciiSpace(t.substr(sp));
    int added = 0;
    while (!rest.empty()) {
      const std::size_t end = rest.find_first_of(" \t");
      const std::string_view name = rest.substr(0, end);
      rest = end == std::string_view::npos ? std::string_view() : TrimAsciiSpace(rest.substr(end));
      if (name == "localhost" || name == "localhost.localdomain" || name == "local" || name == "broadcasthost" ||
          name == "0.0.0.0" || name == "ip6-localhost" || name == "ip6-loopback") {
        continue;
      }
      auto host = NormaliseHost(name);
      if (!host.ok()) return host.status().message();
      impl_->domains.emplace_back(std::move(host.value()), meta);
      ++added;
    }
    return added > 0 ? "" : kNotAnEntry;  // "127.0.0.1 localhost": neither an entry nor an error
  });
}

Status SiteListBuilder::AddUrlsFile(const std::string& category, const std::string& path, bool strict,
                                    ListLoadReport* report) {
  const SiteMatcher::Meta meta{impl_->Category(category), impl_->Source(path)};
  return impl_->ReadList(category, path, EntryKind::kUrl, strict, report, [&](std::string_view t) -> std::string {
    if (t.find_first_of(" \t") != std::string_view::npos) return "spaces in a URL entry";
    if (const std::size_t scheme = t.find("://"); scheme != std::string_view::npos) t = t.substr(scheme + 3);
    const std::size_t slash = t.find('/');
    std::string_view host_part = t.substr(0, slash);
    std::string path_part = slash == std::string_view::npos ? "/" : std::string(t.substr(slash));
    if (const std::size_t colon = host_part.rfind(':');
        colon != std::string_view::npos && host_part.find(']') == std::string_view::npos) {
      host_part = host_part.substr(0, colon);  // a port
    }
    auto host = NormaliseHost(host_part);
    if (!host.ok()) return host.status().message();
    while (path_part.size() > 1 && path_part.back() == '/') path_part.pop_back();
    path_part = AsciiLower(path_part);  // squidGuard compares lower-cased URLs
    impl_->urls.emplace_back(std::string(StripWwwLabel(host.value())) + path_part, meta);
    return "";
  });
}

Status SiteListBuilder::AddExpressionsFile(const std::string& category, const std::string& path, bool strict,
                                           ListLoadReport* report) {
  const SiteMatcher::Meta meta{impl_->Category(category), impl_->Source(path)};
  return impl_->ReadList(category, path, EntryKind::kExpression, strict, report,
                         [&](std::string_view t) -> std::string {
                           RE2::Options opt;
                           opt.set_posix_syntax(true);
                           opt.set_log_errors(false);
                           opt.set_max_mem(8 << 20);
                           RE2 re(re2::StringPiece(t.data(), t.size()), opt);
                           if (!re.ok()) return "expression does not compile: " + re.error();
                           impl_->expressions.emplace_back(std::string(t), meta);
                           return "";
                         });
}

Status SiteListBuilder::AddUt1Directory(const std::string& dir, const std::vector<std::string>& only, bool strict,
                                        std::vector<ListLoadReport>* reports) {
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) return Status::NotFound(dir + ": cannot open UT1 directory");
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    struct stat st;
    if (::stat((dir + "/" + n).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) names.push_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  for (const std::string& want : only) {
    if (std::find(names.begin(), names.end(), want) == names.end()) {
      return Status::NotFound(dir + ": no category '" + want + "'");
    }
  }
  auto pick = [](const std::string& base) -> std::string {
    if (FileExists(base)) return base;
    if (FileExists(base + ".gz")) return base + ".gz";
    return "";
  };
  for (const std::string& cat : names) {
    if (!only.empty() && std::find(only.begin(), only.end(), cat) == only.end()) continue;
    const std::string base = dir + "/" + cat + "/";
    if (const std::string usage = pick(base + "usage"); !usage.empty()) {
      LineReader r(usage);
      std::string line;
      bool too_long = false;
      while (r.ok() && r.Next(&line, &too_long)) {
        const std::string word = AsciiLower(TrimAsciiSpace(line));
        if (word.empty() || word[0] == '#') continue;
        SetWhite(cat, word.rfind("white", 0) == 0);
        break;
      }
    }
    struct Kind {
      const char* file;
      Status (SiteListBuilder::*add)(const std::string&, const std::string&, bool, ListLoadReport*);
    };
    for (const Kind k : {Kind{"domains", &SiteListBuilder::AddDomainsFile}, Kind{"urls", &SiteListBuilder::AddUrlsFile},
                         Kind{"expressions", &SiteListBuilder::AddExpressionsFile}}) {
      const std::string path = pick(base + k.file);
      if (path.empty()) continue;
      ListLoadReport report;
      Status s = (this->*k.add)(cat, path, strict, &report);
      if (!s.ok()) return s;
      if (reports) reports->push_back(std::move(report));
    }
  }
  return Status::Ok();
}

std::vector<std::string> SiteListBuilder::TakeEntries(EntryKind kind) {
  auto& v = kind == EntryKind::kDomain ? impl_->domains : kind == EntryKind::kUrl ? impl_->urls : impl_->expressions;
  std::vector<std::string> out;
  out.reserve(v.size());
  for (auto& [entry, meta] : v) out.push_back(std::move(entry));
  v.clear();
  return out;
}

Result<SiteMatcher> SiteListBuilder::Build() && {
  Impl& in = *impl_;
  SiteMatcher m;
  m.categories_ = in.categories;
  m.sources_ = in.sources;
  // Black domains into the open-addressing table; white ones into a set.
  std::size_t black = 0;
  for (const auto& [domain, meta] : in.domains) black += in.white[meta.category] ? 0 : 1;
  // Load factor at most 3/4: about 16-32 bytes a domain with linear probing
  // still short (the table holds hashes only, not names).
  std::size_t capacity = 16;
  while (capacity * 3 < black * 4) capacity <<= 1;
  m.slots_.assign(capacity, 0);
  m.slot_meta_.assign(capacity, SiteMatcher::Meta{0, 0});
  m.slot_ptr_ = m.slots_.data();
  m.meta_ptr_ = m.slot_meta_.data();
  m.capacity_ = capacity;
  for (const auto& [domain, meta] : in.domains) {
    if (in.white[meta.category]) {
      m.white_domains_.insert(domain);
      continue;
    }
    const std::uint64_t h = HashDomain(domain);
    std::size_t i = h & (capacity - 1);
    while (m.slots_[i] != 0 && m.slots_[i] != h) i = (i + 1) & (capacity - 1);
    if (m.slots_[i] == 0) {  // the first category listing a domain is the one reported
      m.slots_[i] = h;
      m.slot_meta_[i] = meta;
      ++m.domain_count_;
    }
  }
  m.BuildPrefilter();
  for (const auto& [entry, meta] : in.urls) {
    const std::size_t slash = entry.find('/');
    std::string host = entry.substr(0, slash);
    std::string path = entry.substr(slash);
    if (in.white[meta.category]) {
      m.white_urls_[host].push_back(path);
    } else {
      m.urls_[host].push_back({path, meta});
      ++m.url_count_;
    }
  }
  RE2::Options opt;
  opt.set_posix_syntax(true);
  opt.set_log_errors(false);
  opt.set_max_mem(256 << 20);
  m.expression_set_ = std::make_unique<SiteMatcher::ExpressionSet>(opt);
  for (const auto& [text, meta] : in.expressions) {
    if (in.white[meta.category]) continue;  // a white expression cancels nothing we model
    std::string error;
    if (m.expression_set_->set.Add(text, &error) < 0) {
      return Status::InvalidArgument(in.sources[meta.source] + ": expression does not compile: " + error);
    }
    m.expressions_.push_back({text, meta});
  }
  if (!m.expression_set_->set.Compile()) {
    return Status::InvalidArgument("the expressions do not fit in RE2's memory budget (256 MiB)");
  }
  return m;
}

// ---- matcher -------------------------------------------------------------------

SiteMatcher::SiteMatcher() = default;
SiteMatcher::SiteMatcher(SiteMatcher&&) noexcept = default;
SiteMatcher& SiteMatcher::operator=(SiteMatcher&&) noexcept = default;
SiteMatcher::~SiteMatcher() = default;

void SiteMatcher::BuildPrefilter() {
  // 10 bits a domain, rounded up to a power of two of 512-bit blocks.
  std::uint64_t blocks = 1;
  while (blocks * 512 < std::max<std::uint64_t>(domain_count_, 1) * 10) blocks <<= 1;
  bloom_.assign(blocks * 8, 0);
  bloom_mask_ = blocks - 1;
  for (std::size_t i = 0; i < capacity_; ++i) {
    const std::uint64_t h = slot_ptr_[i];
    if (h == 0) continue;
    std::uint64_t* block = &bloom_[((h >> 40) & bloom_mask_) * 8];
    for (int k = 0; k < 6; ++k) {
      const unsigned bit = (h >> (k * 9)) & 511;
      block[bit >> 6] |= std::uint64_t{1} << (bit & 63);
    }
  }
}

const SiteMatcher::Meta* SiteMatcher::FindHashed(std::uint64_t h) const {
  return MayContain(h) ? FindSlot(h) : nullptr;
}

const SiteMatcher::Meta* SiteMatcher::FindSlot(std::uint64_t h) const {
  const std::size_t mask = capacity_ - 1;
  // The table is never full (load <= 3/4), so the probe always ends; the
  // bound guards a hand-made snapshot that violates that.
  for (std::size_t i = h & mask, n = 0; n < capacity_; i = (i + 1) & mask, ++n) {
    if (slot_ptr_[i] == h) return &meta_ptr_[i];
    if (slot_ptr_[i] == 0) return nullptr;
  }
  return nullptr;
}

SiteHit SiteMatcher::MakeHit(const Meta& m, EntryKind kind, std::string entry) const {
  return SiteHit{categories_[m.category], kind, std::move(entry), sources_[m.source]};
}

std::size_t SiteMatcher::HashSuffixes(std::string_view host, std::string_view* suffixes, std::uint64_t* hashes,
                                      std::size_t max, std::string_view* rest) const {
  // Every label suffix: a.b.example.co.uk, b.example.co.uk, ..., co.uk, uk;
  // an IP literal is only itself.
  const bool ip = IsIpLiteral(host);
  std::size_t n = 0;
  while (!host.empty() && n < max) {
    suffixes[n] = host;
    hashes[n] = HashDomain(host);
    __builtin_prefetch(BloomBlock(hashes[n]));
    ++n;
    const std::size_t dot = ip ? std::string_view::npos : host.find('.');
    host = dot == std::string_view::npos ? std::string_view() : host.substr(dot + 1);
  }
  *rest = host;
  return n;
}

std::optional<SiteHit> SiteMatcher::MatchHost(std::string_view host) const {
  if (capacity_ == 0) return std::nullopt;
  // Hash every suffix and prefetch first, so the cache misses of a large
  // table overlap instead of queueing one behind the other.
  constexpr std::size_t kBatch = 8;
  std::string_view suffixes[kBatch];
  std::uint64_t hashes[kBatch];
  std::string_view rest = host;
  while (!rest.empty()) {
    const std::size_t n = HashSuffixes(rest, suffixes, hashes, kBatch, &rest);
    for (std::size_t k = 0; k < n; ++k) __builtin_prefetch(&slot_ptr_[hashes[k] & (capacity_ - 1)]);
    for (std::size_t k = 0; k < n; ++k) {
      if (const Meta* m = FindHashed(hashes[k])) return MakeHit(*m, EntryKind::kDomain, std::string(suffixes[k]));
    }
  }
  return std::nullopt;
}

void SiteMatcher::MatchHosts(std::span<const std::string_view> hosts, std::span<std::uint16_t> out) const {
  std::fill(out.begin(), out.end(), 0);
  if (capacity_ == 0) return;
  constexpr std::size_t kAhead = 16;   // hosts in flight
  constexpr std::size_t kLabels = 8;   // suffixes hashed ahead; deeper hosts take the slow path
  struct Pending {
    std::uint64_t hash[kLabels];
    std::uint8_t count = 0;
    std::uint8_t maybe = 0;  // bit k: the prefilter lets suffix k through
    bool deep = false;       // more than kLabels labels: the slow path
  };
  Pending ring[kAhead];
  const std::size_t mask = capacity_ - 1;
  const std::size_t n = std::min(hosts.size(), out.size());
  auto stage = [&](std::size_t i) {
    Pending& p = ring[i % kAhead];
    std::string_view suffixes[kLabels];
    std::string_view rest;
    p.count = static_cast<std::uint8_t>(HashSuffixes(hosts[i], suffixes, p.hash, kLabels, &rest));
    p.deep = !rest.empty();
  };
  // The table slots of the suffixes the prefilter lets through, fetched with
  // their categories (a hit reads both); which those were is remembered.
  auto prefetch = [&](std::size_t i) {
    Pending& p = ring[i % kAhead];
    p.maybe = 0;
    for (std::uint8_t k = 0; k < p.count; ++k) {
      if (!MayContain(p.hash[k])) continue;
      p.maybe |= static_cast<std::uint8_t>(1u << k);
      __builtin_prefetch(&slot_ptr_[p.hash[k] & mask]);
      __builtin_prefetch(&meta_ptr_[p.hash[k] & mask]);
    }
  };
  for (std::size_t i = 0; i < n && i < kAhead; ++i) stage(i);
  for (std::size_t i = 0; i < n && i < kAhead / 2; ++i) prefetch(i);
  for (std::size_t i = 0; i < n; ++i) {
    const Pending& p = ring[i % kAhead];
    if (p.deep) {
      if (const auto hit = MatchHost(hosts[i])) {
        out[i] = static_cast<std::uint16_t>(
            1 + (std::find(categories_.begin(), categories_.end(), hit->category) - categories_.begin()));
      }
    } else {
      for (std::uint8_t bits = p.maybe; bits != 0; bits &= static_cast<std::uint8_t>(bits - 1)) {
        if (const Meta* m = FindSlot(p.hash[std::countr_zero(bits)])) {
          out[i] = static_cast<std::uint16_t>(m->category + 1);
          break;
        }
      }
    }
    if (i + kAhead < n) stage(i + kAhead);
    // Half-way through the pipeline the filter blocks have arrived.
    if (i + kAhead / 2 < n) prefetch(i + kAhead / 2);
    // The host names themselves live wherever the caller put them.
    if (i + 2 * kAhead < n) __builtin_prefetch(hosts[i + 2 * kAhead].data());
  }
}

bool SiteMatcher::WhiteCovers(std::string_view host, std::string_view path) const {
  std::string_view suffix = host;
  while (!suffix.empty()) {
    if (white_domains_.count(std::string(suffix))) return true;
    const std::size_t dot = suffix.find('.');
    if (dot == std::string_view::npos) break;
    suffix.remove_prefix(dot + 1);
  }
  const auto it = white_urls_.find(std::string(StripWwwLabel(host)));
  if (it != white_urls_.end()) {
    for (const std::string& p : it->second) {
      if (PathPrefixMatches(p, path)) return true;
    }
  }
  return false;
}

std::optional<SiteHit> SiteMatcher::Match(std::string_view url) const {
  auto parsed = ParseSiteUrl(url);
  if (!parsed.ok()) return SiteHit{"invalid-url", EntryKind::kDomain, "", ""};
  return Match(parsed.value());
}

std::optional<SiteHit> SiteMatcher::Match(const SiteUrl& site_url) const {
  const std::string_view url = site_url.text;
  const std::string& host = site_url.host;
  if (auto hit = MatchHost(host)) return hit;
  // URL entries compare case-insensitively, as squidGuard does (it lower-cases
  // the URL): over-blocking is the safe error for an exclusion list.
  const std::string path = AsciiLower(site_url.parsed.path_query);
  const std::string_view bare = StripWwwLabel(host);
  for (const std::string_view h : {std::string_view(host), bare}) {
    const auto it = urls_.find(std::string(h));
    if (it == urls_.end()) continue;
    for (const UrlEntry& e : it->second) {
      if (PathPrefixMatches(e.path, path)) return MakeHit(e.meta, EntryKind::kUrl, it->first + e.path);
    }
    if (h == bare) break;
  }
  if (!expressions_.empty()) {
    std::vector<int> hits;
    const std::string lowered = AsciiLower(url);
    if (expression_set_->set.Match(lowered, &hits) && !hits.empty() && !WhiteCovers(host, path)) {
      const int first = *std::min_element(hits.begin(), hits.end());
      return MakeHit(expressions_[first].meta, EntryKind::kExpression, expressions_[first].text);
    }
  }
  return std::nullopt;
}

}  // namespace moisson::blocklists
