// The HTML report of `moisson report` (docs/report.md): one self-contained
// page, inline CSS and inline SVG charts drawn here, no script and no
// external asset, so that it reads the same offline and in ten years.
//
// Privacy: the renderer is only ever given what may be shown. ReportInput
// holds registrable domains, counts, reason ids, times and the chain's head;
// the command (cmd_report.cc) reduces runs, rights requests and checkpoints
// to these before calling it, so no URL, identifier digest, request
// reference or document text can reach the page. Every string is
// HTML-escaped (sites come from the web), and a site that is not a domain
// name (a ':', '/' or '@' in it, but for an IPv6 literal) is not shown.
#ifndef MOISSON_REPORT_HTML_H_
#define MOISSON_REPORT_HTML_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "audit/ledger.h"
#include "filters/action.h"

namespace moisson::report {

// What a reason does to the documents that carry it (the colour of its bar).
enum class Effect { kKeep, kFlag, kModify, kDrop };

// A category id takes its configured action (drop, redact or pseudonymise:
// modify, flag); every other reason code (policy.*, blocklist.*, optout.*,
// duplicate, access.*, fetch.*, http.*, redirect*, sitemap*) drops.
Effect ReasonEffect(std::string_view reason, const filters::ActionTable& actions);

struct ReasonCount {
  std::string reason;
  std::int64_t documents = 0;
  Effect effect = Effect::kDrop;
  // The documents' decisions (ReasonDecisionCounts), when known: the bar is
  // then split by them; otherwise it takes one colour, the effect's.
  bool split = false;
  std::int64_t kept = 0, modified = 0, dropped = 0;
};

// A run as the report shows it: no key id, no summary.
struct RunLine {
  std::int64_t id = 0;
  std::string command, started_at, ended_at, moisson_version;
};

// Rights requests of one kind ("export", "erase"), counted.
struct RequestCounts {
  std::int64_t received = 0, completed = 0;
};

struct ReportInput {
  std::string title;
  std::string generated_at;  // UTC ISO 8601
  std::string version;       // moisson's
  int top = 20;              // sites drawn before "others"
  std::int64_t rows = 0;     // RowCount()
  // VerifyChain(): ok, rows checked, rows purged, problem, head.
  bool chain_ok = true;
  std::int64_t chain_rows = 0, chain_purged = 0;
  std::string chain_problem, chain_head;
  std::vector<RunLine> runs;                 // by id
  std::vector<audit::SiteSummary> sites;     // Sites(); categories and times unused
  std::vector<ReasonCount> reasons;          // ReasonCounts() with their effect
  std::vector<audit::TimelinePoint> timeline;  // Timeline()
  std::map<std::string, RequestCounts> requests;  // by kind
  std::int64_t checkpoints = 0, purged_rows = 0;  // Checkpoints(): how many, rows they stand for
  std::string last_purge;                         // latest purged_at, "" when none
};

// The whole page.
std::string RenderReport(const ReportInput& in);

// --- parts, exposed for the tests -------------------------------------------

// Text or attribute value for HTML and inline SVG: & < > " ' escaped,
// control characters dropped, ill-formed UTF-8 replaced by U+FFFD.
std::string HtmlEscape(std::string_view s);

// At most `max` characters (code points) of valid UTF-8 `s`, "…" when cut.
std::string ClipChars(std::string_view s, std::size_t max);

// How a site is labelled: "(no URL)" for "", "(not a domain name)" for one
// holding ':', '/' or '@' other than an IPv6 literal ("[::1]") (so that an
// edited ledger cannot put a URL or an e-mail address on the page), else the
// site itself (not yet escaped).
std::string SiteLabel(std::string_view site);

// "12,345".
std::string FormatCount(std::int64_t n);

// A "YYYY-MM-DDTHH:MM" minute as minutes since 1970-01-01T00:00 UTC, or
// nullopt when it is not one.
std::optional<std::int64_t> ParseMinute(std::string_view minute);
// Back: "YYYY-MM-DDTHH:MM".
std::string FormatMinute(std::int64_t minutes);

// The throughput chart's buckets: `width` minutes each (1, 2, 5, 10, 15, 30,
// 60, ... days, weeks), aligned on multiples of `width` since the epoch, the
// narrowest that fits the timeline's span in at most `max_buckets`.
struct Bucket {
  std::int64_t start = 0;  // minutes since the epoch
  std::int64_t kept = 0, modified = 0, dropped = 0;
};
struct Buckets {
  std::int64_t width = 1;        // minutes per bucket
  std::int64_t first = 0, last = 0;  // first and last bucket starts
  std::vector<Bucket> filled;    // buckets with documents, by start
  std::int64_t undated = 0;      // documents whose considered_at is not a time
};
Buckets BucketTimeline(const std::vector<audit::TimelinePoint>& timeline, int max_buckets);

}  // namespace moisson::report

#endif  // MOISSON_REPORT_HTML_H_
