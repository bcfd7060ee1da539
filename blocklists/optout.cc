#include "blocklists/optout.h"
#include "core/sqlite.h"
#include "core/time_util.h"

#include <sqlite3.h>
#include <sys/stat.h>
#include <unicase.h>
#include <unictype.h>
#include <uninorm.h>
#include <unistr.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <ctime>

#include "blocklists/host.h"
#include "core/phone.h"
#include "core/strings.h"
#include "core/url.h"

namespace moisson::blocklists {
namespace {

// Case-folded, compatibility-decomposed, without marks or punctuation,
// whitespace collapsed, tokens sorted.
Result<std::string> NormaliseName(std::string_view name) {
  if (u8_check(reinterpret_cast<const uint8_t*>(name.data()), name.size()) != nullptr) {
    return Status::InvalidArgument("name is not valid UTF-8");
  }
  std::size_t len = 0;
  uint8_t* folded = u8_casefold(reinterpret_cast<const uint8_t*>(name.data()), name.size(), nullptr, UNINORM_NFKD,
                                nullptr, &len);
  if (folded == nullptr) return Status::Internal("case folding failed");
  std::vector<std::string> tokens(1);
  for (std::size_t i = 0; i < len;) {
    ucs4_t c;
    const int n = u8_mbtouc(&c, folded + i, len - i);
    if (uc_is_general_category(c, UC_CATEGORY_M)) {
      // a combining mark: the accent of the letter before it
    } else if (uc_is_general_category(c, UC_CATEGORY_L) || uc_is_general_category(c, UC_CATEGORY_N)) {
      tokens.back().append(reinterpret_cast<const char*>(folded + i), static_cast<std::size_t>(n));
    } else if (!tokens.back().empty()) {  // spaces, punctuation, symbols separate tokens
      tokens.emplace_back();
    }
    i += static_cast<std::size_t>(n);
  }
  std::free(folded);
  if (tokens.back().empty()) tokens.pop_back();
  if (tokens.empty()) return Status::InvalidArgument("name has no letters");
  std::sort(tokens.begin(), tokens.end());
  std::string out;
  for (const auto& t : tokens) {
    if (!out.empty()) out.push_back(' ');
    out += t;
  }
  return out;
}

// host/path with host normalised, path percent-normalised, no trailing '/'.
Result<std::string> NormaliseUrlPrefix(std::string_view value) {
  std::string url(TrimAsciiSpace(value));
  if (url.find("://") == std::string::npos) url = "https://" + url;
  auto parsed = ParseHttpUrl(url);
  if (!parsed.ok()) return Status::InvalidArgument("not a URL prefix");
  auto host = NormaliseHost(parsed->host);
  if (!host.ok()) return Status::InvalidArgument("URL prefix has an invalid host");
  std::string path = NormalisePercentEncoding(parsed->path_query);
  if (const auto q = path.find('?'); q != std::string::npos) path.resize(q);
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  if (path == "/") path.clear();
  return host.value() + path;
}

// A site owner's target: ("domain", host) or ("url-prefix", host/path).
Result<std::pair<std::string, std::string>> NormaliseSiteOwnerTarget(std::string_view target) {
  target = TrimAsciiSpace(target);
  if (target.find('/') == std::string_view::npos) {
    auto host = NormaliseHost(target);
    if (!host.ok()) return Status::InvalidArgument("site-owner opt-out: " + host.status().message());
    return std::pair<std::string, std::string>{"domain", host.value()};
  }
  auto p = NormaliseUrlPrefix(target);
  if (!p.ok()) return p.status();
  const bool whole_host = p->find('/') == std::string::npos;
  return std::pair<std::string, std::string>{whole_host ? "domain" : "url-prefix", p.value()};
}

}  // namespace

const char* OptOutTypeName(OptOutType t) {
  switch (t) {
    case OptOutType::kEmail: return "email";
    case OptOutType::kPhone: return "phone";
    case OptOutType::kHandle: return "handle";
    case OptOutType::kName: return "name";
    case OptOutType::kUrlPrefix: return "url-prefix";
  }
  return "email";
}

std::optional<OptOutType> ParseOptOutType(std::string_view name) {
  for (OptOutType t : {OptOutType::kEmail, OptOutType::kPhone, OptOutType::kHandle, OptOutType::kName,
                       OptOutType::kUrlPrefix}) {
    if (name == OptOutTypeName(t)) return t;
  }
  return std::nullopt;
}

Result<std::vector<std::string>> NormaliseIdentifier(OptOutType type, std::string_view value, std::string_view scope,
                                                     std::string_view region) {
  value = TrimAsciiSpace(value);
  if (value.empty()) return Status::InvalidArgument(std::string(OptOutTypeName(type)) + " is empty");
  std::vector<std::string> forms;
  switch (type) {
    case OptOutType::kEmail: {
      const std::size_t at = value.rfind('@');
      if (at == std::string_view::npos || at == 0 || at + 1 == value.size() ||
          value.find_first_of(" \t<>,;") != std::string_view::npos) {
        return Status::InvalidArgument("not an e-mail address");
      }
      auto domain = NormaliseHost(value.substr(at + 1));
      if (!domain.ok() || domain->find('.') == std::string::npos) {
        return Status::InvalidArgument("e-mail address has an invalid domain");
      }
      const std::string local = AsciiLower(value.substr(0, at));
      forms.push_back(local + "@" + domain.value());
      std::string base = local.substr(0, local.find('+'));
      if (!base.empty() && base != local) forms.push_back(base + "@" + domain.value());
      if (domain.value() == "gmail.com" || domain.value() == "googlemail.com") {
        base.erase(std::remove(base.begin(), base.end(), '.'), base.end());
        const std::string g = base + "@gmail.com";
        if (std::find(forms.begin(), forms.end(), g) == forms.end()) forms.push_back(g);
      }
      break;
    }
    case OptOutType::kPhone: {
      auto e164 = PhoneE164(value, region);
      if (!e164) return Status::InvalidArgument("not a valid phone number");
      forms.push_back(std::move(*e164));
      break;
    }
    case OptOutType::kHandle: {
      const std::size_t colon = value.find(':');
      if (colon == std::string_view::npos || colon == 0) return Status::InvalidArgument("a handle is platform:name");
      const std::string platform = AsciiLower(TrimAsciiSpace(value.substr(0, colon)));
      std::string_view name = TrimAsciiSpace(value.substr(colon + 1));
      if (!name.empty() && name.front() == '@') name.remove_prefix(1);
      bool bad = name.empty() || name.front() == '@' || platform.empty() ||
                 platform.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789.-") != std::string::npos ||
                 u8_check(reinterpret_cast<const uint8_t*>(name.data()), name.size()) != nullptr;
      for (const char c : name) bad |= static_cast<unsigned char>(c) < 0x21 || c == 0x7F;
      if (bad) return Status::InvalidArgument("a handle is platform:name");
      forms.push_back(platform + ":" + AsciiLower(name));
      break;
    }
    case OptOutType::kName: {
      if (TrimAsciiSpace(scope).empty()) return Status::InvalidArgument("a name opt-out needs the site it applies to");
      auto host = NormaliseHost(TrimAsciiSpace(scope));
      if (!host.ok()) return Status::InvalidArgument("the site of a name opt-out is not a valid host");
      auto name = NormaliseName(value);
      if (!name.ok()) return name.status();
      // Scoped to the site (registrable domain), so www.example.org and
      // forum.example.org are covered by one request about example.org.
      forms.push_back(SiteOf(host.value()) + std::string(1, '\0') + name.value());
      break;
    }
    case OptOutType::kUrlPrefix: {
      auto p = NormaliseUrlPrefix(value);
      if (!p.ok()) return p.status();
      forms.push_back(p.value());
      break;
    }
  }
  return forms;
}

Digest OptOutDigest(const ProjectKey& key, OptOutType type, std::string_view normalised) {
  std::string input = OptOutTypeName(type);
  input.push_back('\0');
  input.append(normalised);
  return key.Hmac(input);
}

// ---- registry --------------------------------------------------------------------

namespace {

using Stmt = SqliteStatement;

std::string_view DigestBytes(const Digest& d) {
  return std::string_view(reinterpret_cast<const char*>(d.data()), d.size());
}


constexpr char kSchema[] =
    "PRAGMA journal_mode=WAL;"
    "CREATE TABLE IF NOT EXISTS person_optout("
    "  id INTEGER PRIMARY KEY, entry INTEGER NOT NULL, type TEXT NOT NULL, scope TEXT NOT NULL,"
    "  digest BLOB NOT NULL UNIQUE, key_id TEXT NOT NULL, canonical INTEGER NOT NULL,"
    "  created_at TEXT NOT NULL, ref TEXT NOT NULL);"
    "CREATE INDEX IF NOT EXISTS person_optout_entry ON person_optout(entry);"
    "CREATE TABLE IF NOT EXISTS site_optout("
    "  id INTEGER PRIMARY KEY, target TEXT NOT NULL UNIQUE, kind TEXT NOT NULL,"
    "  created_at TEXT NOT NULL, ref TEXT NOT NULL);";

}  // namespace

OptOutRegistry::OptOutRegistry(OptOutRegistry&& o) noexcept { *this = std::move(o); }
OptOutRegistry& OptOutRegistry::operator=(OptOutRegistry&& o) noexcept {
  if (this != &o) {
    if (db_) sqlite3_close(db_);
    db_ = o.db_;
    o.db_ = nullptr;
    path_ = std::move(o.path_);
    key_ = std::move(o.key_);
    digests_ = std::move(o.digests_);
    owner_hosts_ = std::move(o.owner_hosts_);
    owner_prefixes_ = std::move(o.owner_prefixes_);
    foreign_key_entries_ = o.foreign_key_entries_;
  }
  return *this;
}
OptOutRegistry::~OptOutRegistry() {
  if (db_) sqlite3_close(db_);
}

Result<OptOutRegistry> OptOutRegistry::Open(const std::string& path, const ProjectKey& key) {
  OptOutRegistry r;
  r.path_ = path;
  r.key_ = std::make_unique<ProjectKey>(key);
  struct stat st;
  const bool existed = ::stat(path.c_str(), &st) == 0;
  if (sqlite3_open_v2(path.c_str(), &r.db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX,
                      nullptr) != SQLITE_OK) {
    return Status::Io(path + ": cannot open registry: " + (r.db_ ? sqlite3_errmsg(r.db_) : "out of memory"));
  }
  if (!existed) ::chmod(path.c_str(), 0600);  // hashes of people's identifiers: never world-readable
  sqlite3_busy_timeout(r.db_, 5000);
  if (Status s = SqliteExec(r.db_, kSchema, path); !s.ok()) return s;
  if (Status s = r.Load(); !s.ok()) return s;
  return r;
}

Status OptOutRegistry::Load() {
  digests_.clear();
  owner_hosts_.clear();
  owner_prefixes_.clear();
  foreign_key_entries_ = 0;
  Stmt q(db_, "SELECT digest, key_id FROM person_optout");
  if (!q.ok()) return Status::Io(path_ + ": not a moisson opt-out registry");
  while (q.Step() == SQLITE_ROW) {
    if (q.Col(1) == key_->id()) {
      digests_.insert(q.Col(0));
    } else {
      ++foreign_key_entries_;
    }
  }
  Stmt s(db_, "SELECT target, kind FROM site_optout");
  while (s.Step() == SQLITE_ROW) {
    if (s.Col(1) == "domain") {
      owner_hosts_.insert(s.Col(0));
    } else {
      owner_prefixes_.push_back(s.Col(0));
    }
  }
  return Status::Ok();
}

bool OptOutRegistry::Contains(const Digest& d) const {
  return digests_.count(std::string(reinterpret_cast<const char*>(d.data()), d.size())) > 0;
}

bool OptOutRegistry::ContainsNormalised(OptOutType type, std::string_view normalised) const {
  return Contains(OptOutDigest(*key_, type, normalised));
}

Result<std::int64_t> OptOutRegistry::Add(OptOutType type, std::string_view value, std::string_view scope,
                                         std::string_view ref, std::string_view region) {
  auto forms = NormaliseIdentifier(type, value, scope, region);
  if (!forms.ok()) return forms.status();
  // Already registered under any form: that entry.
  for (const auto& f : forms.value()) {
    const Digest d = OptOutDigest(*key_, type, f);
    Stmt q(db_, "SELECT entry FROM person_optout WHERE digest = ?");
    q.BlobCopy(1, DigestBytes(d));
    if (q.Step() == SQLITE_ROW) return q.ColInt(0);
  }
  if (Status s = SqliteExec(db_, "BEGIN IMMEDIATE", path_); !s.ok()) return s;
  std::int64_t entry = 1;
  {
    Stmt q(db_, "SELECT COALESCE(MAX(entry), 0) + 1 FROM person_optout");
    if (q.Step() == SQLITE_ROW) entry = q.ColInt(0);
  }
  const std::string now = UtcNowIso8601();
  const std::string site = type == OptOutType::kName ? forms->front().substr(0, forms->front().find('\0')) : "";
  for (std::size_t i = 0; i < forms->size(); ++i) {
    Stmt ins(db_,
             "INSERT INTO person_optout(entry, type, scope, digest, key_id, canonical, created_at, ref) "
             "VALUES (?, ?, ?, ?, ?, ?, ?, ?)");
    ins.Int(1, entry).TextCopy(2, OptOutTypeName(type)).TextCopy(3, site);
    ins.BlobCopy(4, DigestBytes(OptOutDigest(*key_, type, (*forms)[i]))).TextCopy(5, key_->id()).Int(6, std::int64_t{i == 0});
    ins.TextCopy(7, now).TextCopy(8, ref);
    if (ins.Step() != SQLITE_DONE) {
      SqliteExec(db_, "ROLLBACK", path_);
      return Status::Io(path_ + ": SQLite: " + sqlite3_errmsg(db_));
    }
  }
  if (Status s = SqliteExec(db_, "COMMIT", path_); !s.ok()) return s;
  for (const auto& f : forms.value()) {
    const Digest d = OptOutDigest(*key_, type, f);
    digests_.insert(std::string(reinterpret_cast<const char*>(d.data()), d.size()));
  }
  return entry;
}

Result<std::size_t> OptOutRegistry::Remove(OptOutType type, std::string_view value, std::string_view scope,
                                           std::string_view region) {
  auto forms = NormaliseIdentifier(type, value, scope, region);
  if (!forms.ok()) return forms.status();
  std::size_t removed = 0;
  for (const auto& f : forms.value()) {
    Stmt q(db_, "SELECT entry FROM person_optout WHERE digest = ?");
    q.BlobCopy(1, DigestBytes(OptOutDigest(*key_, type, f)));
    if (q.Step() != SQLITE_ROW) continue;
    Stmt del(db_, "DELETE FROM person_optout WHERE entry = ?");
    del.Int(1, q.ColInt(0));
    if (del.Step() != SQLITE_DONE) return Status::Io(path_ + ": SQLite: " + sqlite3_errmsg(db_));
    removed += static_cast<std::size_t>(sqlite3_changes(db_));
  }
  if (Status s = Load(); !s.ok()) return s;
  return removed;
}

Result<std::int64_t> OptOutRegistry::AddSiteOwner(std::string_view target, std::string_view ref) {
  auto normalised = NormaliseSiteOwnerTarget(target);
  if (!normalised.ok()) return normalised.status();
  const auto& [kind, value] = normalised.value();
  Stmt ins(db_, "INSERT OR IGNORE INTO site_optout(target, kind, created_at, ref) VALUES (?, ?, ?, ?)");
  ins.TextCopy(1, value).TextCopy(2, kind).TextCopy(3, UtcNowIso8601()).TextCopy(4, ref);
  if (ins.Step() != SQLITE_DONE) return Status::Io(path_ + ": SQLite: " + sqlite3_errmsg(db_));
  Stmt q(db_, "SELECT id FROM site_optout WHERE target = ?");
  q.TextCopy(1, value);
  q.Step();
  if (Status s = Load(); !s.ok()) return s;
  return q.ColInt(0);
}

Result<std::size_t> OptOutRegistry::RemoveSiteOwner(std::string_view target) {
  auto normalised = NormaliseSiteOwnerTarget(target);
  if (!normalised.ok()) return normalised.status();
  const std::string& value = normalised->second;
  Stmt del(db_, "DELETE FROM site_optout WHERE target = ?");
  del.TextCopy(1, value);
  if (del.Step() != SQLITE_DONE) return Status::Io(path_ + ": SQLite: " + sqlite3_errmsg(db_));
  const std::size_t n = static_cast<std::size_t>(sqlite3_changes(db_));
  if (Status s = Load(); !s.ok()) return s;
  return n;
}

Result<std::vector<OptOutListing>> OptOutRegistry::List() const {
  std::vector<OptOutListing> out;
  Stmt q(db_,
         "SELECT entry, type, scope, MIN(created_at), MAX(ref), key_id, COUNT(*), "
         "MAX(CASE WHEN canonical = 1 THEN digest END) FROM person_optout GROUP BY entry ORDER BY entry");
  while (q.Step() == SQLITE_ROW) {
    OptOutListing l;
    l.entry = q.ColInt(0);
    l.type = q.Col(1);
    l.scope = q.Col(2);
    l.created_at = q.Col(3);
    l.ref = q.Col(4);
    l.key_id = q.Col(5);
    l.forms = static_cast<int>(q.ColInt(6));
    const std::string d = q.Col(7);
    Digest digest{};
    std::copy_n(d.begin(), std::min(d.size(), digest.size()), digest.begin());
    l.hash_prefix = HexPrefix(digest, 4);
    out.push_back(std::move(l));
  }
  Stmt s(db_, "SELECT id, kind, target, created_at, ref FROM site_optout ORDER BY id");
  while (s.Step() == SQLITE_ROW) {
    OptOutListing l;
    l.entry = s.ColInt(0);
    l.type = "site-owner " + s.Col(1);
    l.scope = s.Col(2);
    l.created_at = s.Col(3);
    l.ref = s.Col(4);
    l.forms = 1;
    out.push_back(std::move(l));
  }
  return out;
}

Result<bool> OptOutRegistry::Check(OptOutType type, std::string_view value, std::string_view scope,
                                   std::string_view region) const {
  auto forms = NormaliseIdentifier(type, value, scope, region);
  if (!forms.ok()) return forms.status();
  for (const auto& f : forms.value()) {
    if (ContainsNormalised(type, f)) return true;
  }
  if (type == OptOutType::kUrlPrefix) return MatchesUrl(value);
  return false;
}

OptOutRegistry::UrlOptOut OptOutRegistry::MatchUrl(std::string_view url) const {
  std::string u(TrimAsciiSpace(url));
  if (u.find("://") == std::string::npos) u = "https://" + u;
  auto parsed = ParseSiteUrl(u);
  if (!parsed.ok()) return UrlOptOut::kNone;
  return MatchUrl(parsed.value());
}

OptOutRegistry::UrlOptOut OptOutRegistry::MatchUrl(const SiteUrl& url) const {
  const std::string& host = url.host;
  // Site owners: the domain and its subdomains, or a host/path prefix.
  std::string_view suffix = host;
  while (!suffix.empty()) {
    if (owner_hosts_.count(std::string(suffix))) return UrlOptOut::kSiteOwner;
    const auto dot = suffix.find('.');
    if (dot == std::string_view::npos) break;
    suffix.remove_prefix(dot + 1);
  }
  std::string path = NormalisePercentEncoding(url.parsed.path_query);
  if (const auto q = path.find('?'); q != std::string::npos) path.resize(q);
  const std::string full = host + path;
  for (const auto& p : owner_prefixes_) {
    if (full.compare(0, p.size(), p) == 0 && (full.size() == p.size() || full[p.size()] == '/')) return UrlOptOut::kSiteOwner;
  }
  // Person url-prefix entries: HMAC every prefix ending on a segment boundary.
  std::string prefix = host;
  if (ContainsNormalised(OptOutType::kUrlPrefix, prefix)) return UrlOptOut::kPerson;
  std::size_t pos = 1;
  while (pos <= path.size()) {
    const std::size_t next = path.find('/', pos);
    const std::size_t end = next == std::string::npos ? path.size() : next;
    if (end > pos) {
      prefix = host + path.substr(0, end);
      if (ContainsNormalised(OptOutType::kUrlPrefix, prefix)) return UrlOptOut::kPerson;
    }
    if (next == std::string::npos) break;
    pos = next + 1;
  }
  return UrlOptOut::kNone;
}

}  // namespace moisson::blocklists
