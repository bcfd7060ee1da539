// Parsers for the opt-out signals besides robots.txt rules. Each is a pure
// function over untrusted text: never throws, never crashes, and turns
// malformed input into "unset"/"unknown" plus an error string, so nothing
// malformed can grant more than its absence would.
#ifndef MOISSON_POLICY_SIGNALS_H_
#define MOISSON_POLICY_SIGNALS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "policy/robots.h"

namespace moisson::policy {

// A tri-state preference.
enum class Preference : std::uint8_t { kUnknown, kAllow, kDisallow };

// "allowed" / "disallowed" / "unknown".
const char* PreferenceName(Preference p);

// Combines statements as draft-ietf-aipref-vocab does: any disallow wins,
// then any allow, otherwise unknown.
Preference CombinePreferences(Preference a, Preference b);

// ---- IETF aipref: Content-Usage -------------------------------------------

struct ContentUsage {
  Preference train_ai = Preference::kUnknown;  // "train-ai"
  Preference search = Preference::kUnknown;    // "search"
  bool parse_error = false;                    // the field failed to parse: all unknown
  std::string error;                           // why, when parse_error
};

// Parses a preference list (the Content-Usage header value, or the
// preference part of a robots.txt Content-Usage rule). Labels are
// case-sensitive; values are the tokens y / n; any other value is unknown;
// unknown labels (older drafts' train-genai, ai-use, ...) are ignored.
ContentUsage ParseContentUsage(std::string_view value);

// Folds `b` into `a` with CombinePreferences; parse errors of `b` add nothing.
void MergeContentUsage(ContentUsage* a, const ContentUsage& b);

// A robots.txt "Content-Usage: [<path> ]<prefs>" rule.
struct ContentUsageRule {
  int line = 0;
  std::string path;  // "/" when omitted
  PathPattern pattern;
  ContentUsage usage;
};
ContentUsageRule ParseContentUsageRule(int line, std::string_view value, RobotsMode mode);

// ---- Cloudflare Content Signals -------------------------------------------

struct ContentSignal {
  Preference search = Preference::kUnknown;    // search=yes|no
  Preference ai_input = Preference::kUnknown;  // ai-input=yes|no
  Preference ai_train = Preference::kUnknown;  // ai-train=yes|no
  std::vector<std::string> ignored;            // entries not understood, as written
};
// "search=yes, ai-input=no, ai-train=no": comma-separated key=value, spaces
// optional, keys and values case-insensitive; anything else is ignored.
ContentSignal ParseContentSignal(std::string_view value);
void MergeContentSignal(ContentSignal* a, const ContentSignal& b);

// ---- Crawl-delay / Request-rate (not RFC 9309; as protego reads them) ------

// Seconds, or nullopt when malformed or negative.
std::optional<double> ParseCrawlDelay(std::string_view value);
// "N/T[s|m|h|d] [HHMM-HHMM]" -> seconds between requests, nullopt if malformed.
std::optional<double> ParseRequestRate(std::string_view value);

// ---- noai / noindex: X-Robots-Tag and <meta name="robots"> -----------------

// The rules one robots directive list sets, for one scope.
struct RobotsDirectives {
  std::string agent;  // "" = applies to every agent
  bool noai = false;
  bool noimageai = false;
  bool noindex = false;  // "noindex" or "none"
  bool nofollow = false;  // "nofollow" or "none"
};

// Parses an X-Robots-Tag value: comma-separated rules, optionally scoped by
// a leading "agent:" that lasts until the next scope ("googlebot: noindex,
// nofollow" scopes both). Rules with their own colon (unavailable_after,
// max-snippet, ...) are recognised and skipped. Case-insensitive.
std::vector<RobotsDirectives> ParseXRobotsTag(std::string_view value);

// Parses the content of <meta name="NAME" content="...">; NAME "robots"
// gives agent "", any other name scopes the rules to that agent.
RobotsDirectives ParseMetaRobots(std::string_view name, std::string_view content);

// ---- W3C TDMRep -------------------------------------------------------------

// tdm-reservation: "1" -> 1, "0" -> 0, anything else unset (a protocol error).
std::optional<int> ParseTdmReservation(std::string_view value);

struct TdmRepRule {
  std::size_t index = 0;  // 1-based position in the JSON array
  std::string location;   // as written
  PathPattern pattern;    // robots-style, case-sensitive
  std::optional<int> reservation;
  std::optional<std::string> policy;
};

struct TdmRepFile {
  std::vector<TdmRepRule> rules;
  std::string error;  // non-empty when the file was rejected or a rule skipped
  bool valid = false;  // the top level was a JSON array
};

// Parses /.well-known/tdmrep.json: a JSON array of
// {"location": pattern, "tdm-reservation": 0|1, "tdm-policy"?: url}.
// Malformed entries are skipped (and named in `error`); a file that is not a
// JSON array yields no rules.
TdmRepFile ParseTdmRepJson(std::string_view json);

// First rule whose location matches `path` (TDMRep: first match wins).
const TdmRepRule* MatchTdmRep(const TdmRepFile& file, std::string_view path);

}  // namespace moisson::policy

#endif  // MOISSON_POLICY_SIGNALS_H_
