// robots.txt (RFC 9309): a streaming parser, a handler interface and a
// compiled rule set that answers "may AGENT fetch PATH, and which line says so".
//
// Shape taken from google/robotstxt: ParseRobotsTxt() walks the bytes once and
// calls a RobotsParseHandler for every line, with its line number. RobotsTxt
// (the matcher) and RobotsLinter (robots_lint.h) are two handlers over the same
// parse. RobotsTxt is built once and is immutable afterwards: one instance may
// be shared by any number of threads without locks.
//
// Two modes (core/config.h RobotsMode):
//  - kGoogle: agrees with google/robotstxt, including what Google tolerates:
//    keys matched by prefix ("Disallowed:"), the typos dissallow, dissalow,
//    disalow, diasllow, disallaw, useragent, "user agent", site-map; a missing
//    colon when the line has exactly two words; a full or partial leading BOM;
//    lines cut at 16,663 bytes; "* foo" as the global agent; user-agent values
//    cut at the first character outside [A-Za-z_-]; "Allow: /x/index.html"
//    also allowing "/x/$"; the URL path compared exactly as given, up to a
//    NUL byte (google matches C strings).
//  - kRfc: RFC 9309 strictly: exact keys, a colon required, user-agent values
//    compared whole, "%2A" and "%24" in a rule meaning literal '*' and '$',
//    rules and paths percent-encoding-normalised before comparison, and
//    /robots.txt itself always allowed (RFC 9309 2.2.2).
// Both modes read at most kMaxRobotsBytes (RFC 9309 2.5: at least 500 KiB);
// a line cut by that limit is dropped whole rather than half-read.
//
// Matching never uses a regular expression: a pattern is split at '*' and its
// pieces are found left to right, so time is bounded by |path| x |pieces| and a
// rule of a thousand '*' costs what a rule of one does.
#ifndef MOISSON_POLICY_ROBOTS_H_
#define MOISSON_POLICY_ROBOTS_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/config.h"

namespace moisson::policy {

using moisson::RobotsMode;

// RFC 9309 2.5 asks crawlers to parse at least 500 KiB.
inline constexpr std::size_t kMaxRobotsBytes = 500 * 1024;
// google/robotstxt's per-line buffer (2083 * 8) less its terminating NUL.
inline constexpr std::size_t kGoogleMaxLineBytes = 2083 * 8 - 1;

// What the parser learnt about one line, for linting and reporting.
struct RobotsLineMetadata {
  bool is_empty = false;                    // nothing but whitespace
  bool has_comment = false;                 // holds a '#'
  bool is_comment = false;                  // only a comment
  bool has_directive = false;               // a key and a value were found
  bool is_acceptable_typo = false;          // google mode: a tolerated misspelt key
  bool is_line_too_long = false;            // google mode: cut at kGoogleMaxLineBytes
  bool is_missing_colon_separator = false;  // google mode: "Disallow /x"
  bool is_prefix_key = false;               // google mode: key longer than the one it matched ("Disallowed")
};

// The keys the parser tells apart.
enum class RobotsKey : std::uint8_t {
  kUserAgent,
  kAllow,
  kDisallow,
  kSitemap,
  kUnknown,  // anything else, passed on with the key as written
};

// Receives the lines of a robots.txt in order. Values are trimmed of
// surrounding whitespace and of comments; they point into parser-owned memory
// and are only valid during the call.
class RobotsParseHandler {
 public:
  virtual ~RobotsParseHandler() = default;
  virtual void HandleRobotsStart() {}
  virtual void HandleRobotsEnd() {}
  virtual void HandleUserAgent(int line, std::string_view value) = 0;
  virtual void HandleAllow(int line, std::string_view value) = 0;
  virtual void HandleDisallow(int line, std::string_view value) = 0;
  virtual void HandleSitemap(int line, std::string_view value) {}
  // Any other key (crawl-delay, content-signal, typos we do not accept, ...).
  virtual void HandleUnknownAction(int line, std::string_view key, std::string_view value) {}
  // Called once per line, after the Handle* call for that line if any.
  virtual void ReportLineMetadata(int line, const RobotsLineMetadata& metadata) {}
  // Called once, before HandleRobotsEnd, when the body exceeded
  // kMaxRobotsBytes: `parsed` bytes were read, `ignored` were not.
  virtual void ReportSizeLimit(std::size_t parsed, std::size_t ignored) {}
};

// Parses `body` and reports every line to `handler` (not owned; must outlive
// the call). Never fails: what cannot be read is reported as metadata.
void ParseRobotsTxt(std::string_view body, RobotsMode mode, RobotsParseHandler* handler);

// Classifies a key as `mode` does; sets *typo / *prefix when google mode
// accepted it only as a typo or by prefix.
RobotsKey ClassifyRobotsKey(std::string_view key, RobotsMode mode, bool* typo, bool* prefix);

// google/robotstxt ExtractUserAgent: the leading run of [A-Za-z_-].
std::string_view ExtractProductToken(std::string_view user_agent_value);

// A robots-style path pattern: '*' matches any run of octets, a final '$'
// anchors at the end. Compiled once; Matches() is const and thread-safe.
class PathPattern {
 public:
  PathPattern() = default;
  // google mode: `pattern` is already escaped (non-ASCII as %XX, %xx upper-cased).
  static PathPattern Google(std::string_view escaped_pattern);
  // rfc mode: normalises percent-encoding; "%2A"/"%24" become literal '*'/'$'.
  static PathPattern Rfc(std::string_view raw_pattern);

  bool Matches(std::string_view path) const;
  // Specificity: octets of the (normalised) pattern, as Google counts them.
  int length() const { return length_; }

 private:
  friend class RobotsTxtBuilder;
  // The pattern as one run of bytes: its literal runs with a NUL for each
  // wildcard '*' (a NUL cannot be in a pattern: google ends a line at one,
  // rfc mode %-encodes it), so a literal '*' (rfc "%2A") stays a '*';
  // without the final '$'. It lives in `owned_` (a pattern made alone), or
  // in the storage of the RobotsTxt that holds it.
  std::string_view text_;
  std::shared_ptr<const char[]> owned_;
  bool wildcard_ = false;  // text_ holds a NUL
  bool anchored_ = false;  // ended with '$'
  int length_ = 0;
};

// google/robotstxt MaybeEscapePattern: %-encodes octets >= 0x80 and
// upper-cases existing %xx escapes; everything else is left alone.
std::string GoogleEscapePattern(std::string_view value);

struct RobotsRule {
  bool allow = false;
  int line = 0;
  std::string_view value;  // as written, trimmed (in the RobotsTxt's storage)
  PathPattern pattern;
  // google mode only: "Allow: /d/index.htm[l...]" also allows "/d/$".
  std::optional<PathPattern> index_alternative;
};

// A key moisson reads besides Allow/Disallow (crawl-delay, content-signal, ...).
// Its strings live in the RobotsTxt that holds it (as those of the rules
// and agent lines do): one allocation for a file's strings, not one each.
struct RobotsRecord {
  int line = 0;
  std::string_view key;    // lower-cased
  std::string_view value;  // as written, trimmed
};

struct RobotsAgentLine {
  int line = 0;
  std::string_view value;  // as written, trimmed
  bool global = false;
};

// Consecutive user-agent lines and the lines that follow them up to the next
// user-agent line that comes after a rule (Google's reading, RFC 9309 2.1:
// other records do not close a group).
struct RobotsGroup {
  std::vector<RobotsAgentLine> agents;
  bool global = false;  // one of the agents is '*'
  std::vector<RobotsRule> rules;
  std::vector<RobotsRecord> records;
};

// How an agent name is compared with user-agent lines.
enum class AgentMatching : std::uint8_t {
  kStandard,  // the mode's own rule (google: extracted token; rfc: whole value)
  // The mode's rule, plus the other mode's: google mode also compares whole
  // values, so that names that are not RFC tokens ("AI2Bot", "Brightbot 1.0")
  // match their own groups; rfc mode also compares the token Google would
  // extract, so that "User-agent: moisson/1.0" names moisson. The policy
  // engine uses it to find every group a site aimed at a crawler.
  kLenient,
};

struct RobotsMatch {
  bool allowed = true;
  int line = 0;              // deciding line; 0 when no rule matched
  const RobotsRule* rule = nullptr;  // the deciding rule, owned by the RobotsTxt
  bool agent_named = false;  // a group names the agent (else '*' groups, if any, applied)
};

class RobotsTxt {
 public:
  RobotsTxt() = default;  // an empty file: everything allowed
  static RobotsTxt Parse(std::string_view body, RobotsMode mode);
  // Movable, not copyable: its rules, records and agent lines view strings
  // in its own storage, which a move keeps in place.
  RobotsTxt(RobotsTxt&&) noexcept = default;
  RobotsTxt& operator=(RobotsTxt&&) noexcept = default;
  RobotsTxt(const RobotsTxt&) = delete;
  RobotsTxt& operator=(const RobotsTxt&) = delete;

  // Verdict for `agent` on `path` (path, params and query, from
  // core/url.h PathParamsQuery). In rfc mode the path is normalised here.
  // Semantics of google/robotstxt RobotsMatcher: the longest matching pattern
  // wins, Allow wins ties, groups naming the agent replace the '*' groups.
  RobotsMatch Match(std::string_view agent, std::string_view path,
                    AgentMatching matching = AgentMatching::kStandard) const;

  // The groups that apply to `agent`: those naming it, else the '*' groups.
  std::vector<const RobotsGroup*> GroupsFor(std::string_view agent,
                                            AgentMatching matching = AgentMatching::kStandard) const;

  // True if a group names `agent` (not counting '*').
  bool NamesAgent(std::string_view agent, AgentMatching matching = AgentMatching::kStandard) const;

  RobotsMode mode() const { return mode_; }
  const std::vector<RobotsGroup>& groups() const { return groups_; }
  // Records met before any user-agent line (file-wide).
  const std::vector<RobotsRecord>& orphan_records() const { return orphan_records_; }
  const std::vector<RobotsRecord>& sitemaps() const { return sitemaps_; }
  std::size_t ignored_bytes() const { return ignored_bytes_; }

 private:
  friend class RobotsTxtBuilder;
  // Indexes of the groups naming `agent`, in file order. Points into the
  // index maps, or into `*scratch` when two lists had to be merged.
  std::span<const std::size_t> SpecificGroups(std::string_view agent, AgentMatching matching,
                                              std::vector<std::size_t>* scratch) const;

  RobotsMode mode_ = RobotsMode::kGoogle;
  std::vector<RobotsGroup> groups_;
  std::vector<std::size_t> global_groups_;
  // Lower-cased name -> indexes of the groups naming it. `by_token_` holds the
  // mode's standard key, `by_value_` the other mode's (for kLenient).
  // Arrays built once at the end of the parse (no allocation per name), with
  // an open-addressing table over the names so that a lookup is one probe.
  struct AgentIndex {
    std::vector<std::string_view> names;  // sorted, each once
    std::vector<std::uint32_t> starts;    // groups of names[i]: groups[starts[i], starts[i + 1])
    std::vector<std::size_t> groups;
    std::vector<std::uint32_t> slots;     // 1 + index into names, 0 = empty; a power of two
    // From (name, group) pairs in any order.
    void Build(std::vector<std::pair<std::string_view, std::size_t>>* pairs);
    std::span<const std::size_t> Find(std::string_view name) const;
  };
  AgentIndex by_token_;
  AgentIndex by_value_;
  std::vector<RobotsRecord> orphan_records_;
  std::vector<RobotsRecord> sitemaps_;
  std::size_t ignored_bytes_ = 0;
  // The strings the views above point to, in blocks that never move.
  std::vector<std::unique_ptr<char[]>> storage_;
};

// "Allow: /x" / "Disallow: /x" for reports.
std::string RuleText(const RobotsRule& rule);

}  // namespace moisson::policy

#endif  // MOISSON_POLICY_ROBOTS_H_
