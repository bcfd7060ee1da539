// The person opt-out registry ("liste repoussoir", CNIL fiche 8.2) and
// site-owner opt-outs.
//
// Personal entries are stored only as HMAC-SHA-256(key, type 0x00 value)
// of their normalised value, with the key id; the clear value is never
// written anywhere (file, log or message). Site-owner opt-outs (a domain or a
// URL prefix) are public statements and are kept in clear.
//
// Normalisation (several forms may be stored for one request: over-matching
// is the safe direction for an opt-out):
//   email      trimmed, lower-cased, domain as A-labels; plus the form without
//              a +tag, and for gmail.com/googlemail.com without dots
//   phone      E.164 through libphonenumber (region for national numbers from
//              the caller, default FR)
//   handle     "platform:name", both lower-cased, a leading '@' dropped
//   name       scoped to a site: NFKC, case-folded, accents and punctuation
//              removed, tokens sorted ("Élise  de La Tour" and "la tour élise
//              de" meet), prefixed by the site (registrable domain, SiteOf)
//              and 0x00
//   url-prefix host/path, host normalised, path percent-normalised, no
//              trailing '/'; a URL matches when any of its segment-boundary
//              prefixes is registered
// The registry is a SQLite file (mode 0600). Lookups are O(1): every digest
// of the current key is held in a hash set once opened. Not thread-safe for
// writes; Contains*/Matches* are const and may run concurrently.
#ifndef MOISSON_BLOCKLISTS_OPTOUT_H_
#define MOISSON_BLOCKLISTS_OPTOUT_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "blocklists/host.h"
#include "core/keyed_hash.h"
#include "core/status.h"

struct sqlite3;

namespace moisson::blocklists {

enum class OptOutType : std::uint8_t { kEmail, kPhone, kHandle, kName, kUrlPrefix };
const char* OptOutTypeName(OptOutType t);  // "email", "phone", "handle", "name", "url-prefix"
std::optional<OptOutType> ParseOptOutType(std::string_view name);

// The normalised forms of an identifier, canonical first. `scope` is the site
// for names (required) and ignored otherwise. Errors never quote the value.
Result<std::vector<std::string>> NormaliseIdentifier(OptOutType type, std::string_view value,
                                                     std::string_view scope, std::string_view region = "FR");

// HMAC-SHA-256(key, type-name 0x00 normalised).
Digest OptOutDigest(const ProjectKey& key, OptOutType type, std::string_view normalised);

struct OptOutListing {
  std::int64_t entry = 0;    // request number (all forms of one request share it)
  std::string type;          // OptOutTypeName, or "site-owner"
  std::string scope;         // the site for names; the clear target for site-owner entries
  std::string created_at;    // UTC, ISO 8601
  std::string ref;           // request reference
  std::string key_id;        // "" for site-owner entries
  std::string hash_prefix;   // 8 hex digits of the canonical digest; "" for site-owner entries
  int forms = 0;             // stored normalised forms
};

class OptOutRegistry {
 public:
  // Opens (creating if needed, mode 0600) the registry at `path`.
  static Result<OptOutRegistry> Open(const std::string& path, const ProjectKey& key);
  OptOutRegistry(OptOutRegistry&&) noexcept;
  OptOutRegistry& operator=(OptOutRegistry&&) noexcept;
  ~OptOutRegistry();

  // Adds a person opt-out; returns its entry number. Adding what is already
  // registered returns the existing entry.
  Result<std::int64_t> Add(OptOutType type, std::string_view value, std::string_view scope, std::string_view ref,
                           std::string_view region = "FR");
  // A site owner's opt-out: a domain (with its subdomains) or a URL prefix.
  Result<std::int64_t> AddSiteOwner(std::string_view domain_or_url_prefix, std::string_view ref);
  // Removes the entry holding this identifier (all its forms); the count removed.
  Result<std::size_t> Remove(OptOutType type, std::string_view value, std::string_view scope,
                             std::string_view region = "FR");
  Result<std::size_t> RemoveSiteOwner(std::string_view domain_or_url_prefix);

  Result<std::vector<OptOutListing>> List() const;

  // Is this identifier registered (any of its forms)?
  Result<bool> Check(OptOutType type, std::string_view value, std::string_view scope,
                     std::string_view region = "FR") const;
  // O(1) lookup of an already normalised form (the filter chain's path).
  bool ContainsNormalised(OptOutType type, std::string_view normalised) const;
  // Does a URL fall under a registered url-prefix or a site-owner opt-out?
  enum class UrlOptOut : std::uint8_t { kNone, kSiteOwner, kPerson };
  UrlOptOut MatchUrl(std::string_view url) const;
  UrlOptOut MatchUrl(const SiteUrl& url) const;  // parsed once by the caller (the filter chain)
  bool MatchesUrl(std::string_view url) const { return MatchUrl(url) != UrlOptOut::kNone; }

  // Entries hashed with another key (after a rotation): not matched.
  std::size_t foreign_key_entries() const { return foreign_key_entries_; }

 private:
  OptOutRegistry() = default;
  Status Load();
  bool Contains(const Digest& d) const;

  sqlite3* db_ = nullptr;
  std::string path_;
  std::unique_ptr<ProjectKey> key_;
  std::unordered_set<std::string> digests_;      // 32-byte digests of the current key
  std::unordered_set<std::string> owner_hosts_;  // site-owner domains
  std::vector<std::string> owner_prefixes_;      // site-owner host/path prefixes
  std::size_t foreign_key_entries_ = 0;
};

}  // namespace moisson::blocklists

#endif  // MOISSON_BLOCKLISTS_OPTOUT_H_
