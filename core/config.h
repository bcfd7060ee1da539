// moisson's configuration: a TOML file (examples/moisson.toml is the
// commented reference), loaded once at start-up and read-only afterwards.
//
// Loading is strict: a syntax error, an unknown key or a value of the wrong
// type is a Status naming the file, the line and the dotted key, so a typo such
// as `honor` for `honour` can never silently switch a protection off.
#ifndef MOISSON_CORE_CONFIG_H_
#define MOISSON_CORE_CONFIG_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace moisson {

// Who is responsible for the dataset (CNIL: the controller must be reachable).
struct ControllerConfig {
  std::string name;                // legal name of the data controller
  std::string contact;             // e-mail or postal address for rights requests
  std::string privacy_policy_url;  // where the processing is explained
};

struct CrawlerIdentity {
  // Product token matched against robots.txt user-agent lines ([A-Za-z_-]+).
  std::string product_token = "moisson";
  // Full User-Agent header; must contain the product token.
  std::string user_agent = "moisson/0.1 (+https://example.org/moisson)";
};

enum class RobotsMode : unsigned char {
  kGoogle,  // google/robotstxt semantics, typos and quirks included (default)
  kRfc,     // strict RFC 9309
};

// Which opt-out signals change a decision. robots.txt for moisson's own token
// is always honoured and cannot be switched off.
struct HonouredSignals {
  bool ai_agents = true;       // robots.txt groups of known AI crawlers
  bool ai_txt = true;          // /ai.txt
  bool tdmrep = true;          // TDMRep well-known file, headers, meta
  bool content_usage = true;   // IETF aipref Content-Usage (robots.txt and header)
  bool content_signal = true;  // Cloudflare Content-Signal
  bool noai = true;            // noai / noimageai in X-Robots-Tag and meta robots
  bool noindex = true;         // noindex / none: not manifestly meant to be public
};

struct PolicyConfig {
  RobotsMode robots_mode = RobotsMode::kGoogle;
  // AI crawler tokens whose robots.txt groups count as an objection. Absent
  // means the default list shipped in policy/data/ai_robots.json.
  std::optional<std::vector<std::string>> ai_agents;
  // Added to whichever list is in force.
  std::vector<std::string> extra_ai_agents;
  // When true (default) an objection to AI training also forbids collection:
  // moisson collects only to train, so there is nothing else to keep it for.
  bool ai_objection_blocks_collection = true;
  HonouredSignals honour;
};

// Site category lists excluded by default (CNIL fiche 8.2: pornography,
// health forums, social networks of minors, plus art. 9-heavy categories).
struct BlocklistConfig {
  std::vector<std::string> categories = {
      "adult", "mixed_adult", "health_forums", "minors_social_networks", "child", "educational_games",
      "dating", "lingerie", "drogue", "sect", "associations_religieuses", "agressif"};
  // Folder of the shipped lists; "" means the one built into this binary.
  std::string data_dir;
  // A snapshot compiled by `moisson blocklist compile` (the full UT1 lists,
  // millions of domains, mapped in place) used instead of building the
  // lists at start-up; it must hold exactly `categories`. "" = none.
  std::string snapshot;
};

// The person opt-out registry.
struct OptOutConfig {
  // Region (ISO 3166-1 alpha-2) for phone numbers written without a country
  // code, as libphonenumber reads them.
  std::string phone_region = "FR";
};

// The filter chain (SPEC §3). Category ids are checked by the filter module,
// which knows them; the line lets its message point at this file.
struct FilterConfig {
  struct ActionSetting {
    std::string category;  // "id.email", "sensitive.health", ...
    std::string action;    // "drop", "redact", "pseudonymise", "flag" or "keep" (checked here)
    int line = 0;
  };
  std::vector<ActionSetting> actions;  // [filters.actions], overriding the defaults of SPEC §3
  bool dedup = false;         // drop exact duplicates (same extracted text)
  bool page_signals = true;   // honour noai/noindex/tdm-reservation found in a dump's pages
  bool site_lists = true;     // drop documents whose URL is on a [blocklists] category
  std::string data_dir;       // detector data (patterns/cues.txt, personal/*.txt); "" = built in
  bool learned = true;        // the learned stage of sensitive.*/minor (filters/learned.h)
  std::string uncovered_languages = "flag";  // not French or English: "flag", "drop" or "keep"
  std::string model_dir;      // its model folder (sensitive.lin, thresholds.tsv); "" = built in
};

// What sites published, for documents read from dumps (`filter`/`scan
// --sites`, docs/sites.md): a site-policy store of robots.txt, ai.txt and
// tdmrep.json captures (`moisson sites import`, `sites fetch`).
struct SitesConfig {
  std::string store;             // the store; "" = none (a dump's sites' files are then not known)
  std::string unknown = "flag";  // a URL whose origin the store does not hold: "flag", "drop" or "keep"
};

// Field names of JSONL inputs.
struct InputConfig {
  std::string text_field = "text";
  std::string id_field = "id";
  std::string url_field = "url";
  std::string date_field = "date";
  std::string lang_field = "lang";
  std::string html_field;  // a field holding HTML instead of text ("" = none)
  // The other fields go on into the output's "metadata" object (io/record.h
  // ReaderOptions::keep_metadata); `metadata_fields` not empty keeps only those.
  bool metadata = true;
  std::vector<std::string> metadata_fields;
};

// Files of the project. Relative paths are relative to the config file.
struct ProjectConfig {
  std::string key;              // project key (moisson keygen); needed to pseudonymise
  std::string optout_registry;  // person opt-out registry; "" = none
  std::string ledger = "moisson-ledger.sqlite";  // provenance ledger (SQLite)
  int retention_days = 0;       // `moisson purge` removes what is older; 0 = not set
};

struct Config {
  std::string source;  // file it was loaded from, "" for defaults
  ControllerConfig controller;
  CrawlerIdentity crawler;
  PolicyConfig policy;
  BlocklistConfig blocklists;
  OptOutConfig optout;
  FilterConfig filters;
  SitesConfig sites;
  InputConfig input;
  ProjectConfig project;
};

// Loads and validates `path`. Errors name the file, line and key.
Result<Config> LoadConfig(const std::string& path);

// Parses TOML text as if read from `source_name` (tests, stdin).
Result<Config> ParseConfig(std::string_view toml_text, const std::string& source_name);

// True if `token` is a valid RFC 9309 product token: [A-Za-z_-]+.
bool IsValidProductToken(std::string_view token);

}  // namespace moisson

#endif  // MOISSON_CORE_CONFIG_H_
