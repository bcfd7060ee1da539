#include "report/html.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>

#include "core/utf8.h"
#include "filters/category.h"

namespace moisson::report {
namespace {

// Colours (also set as fill attributes, so a chart reads without the style
// sheet): distinguishable in the common colour-vision deficiencies, and every
// bar carries its number as text too.
constexpr const char* kKeepFill = "#2a9d8f";
constexpr const char* kFlagFill = "#577590";
constexpr const char* kModifyFill = "#e9b949";
constexpr const char* kDropFill = "#c8553d";
constexpr const char* kOtherFill = "#9aa0a6";
constexpr const char* kPolicyFill = "#6d597a";
constexpr const char* kBlocklistFill = "#b56576";
constexpr const char* kOptoutFill = "#355070";

constexpr int kChartWidth = 800;
constexpr std::size_t kLabelChars = 34;  // a bar's visible label; the tooltip has all of it
constexpr int kMaxReasonBars = 30;
constexpr int kMaxSignalBars = 30;
constexpr int kMaxTimelineBuckets = 60;
constexpr int kMaxRunsListed = 50;

const char* EffectClass(Effect e) {
  switch (e) {
    case Effect::kKeep: return "keep";
    case Effect::kFlag: return "flag";
    case Effect::kModify: return "modify";
    case Effect::kDrop: return "drop";
  }
  return "drop";
}

const char* FillOf(std::string_view cls) {
  if (cls == "keep") return kKeepFill;
  if (cls == "flag") return kFlagFill;
  if (cls == "modify") return kModifyFill;
  if (cls == "drop") return kDropFill;
  if (cls == "policy") return kPolicyFill;
  if (cls == "blocklist") return kBlocklistFill;
  if (cls == "optout") return kOptoutFill;
  return kOtherFill;
}

const char* ClassLabel(std::string_view cls) {
  if (cls == "keep") return "kept";
  if (cls == "flag") return "flagged";
  if (cls == "modify") return "modified";
  if (cls == "drop") return "dropped";
  if (cls == "policy") return "site signal (policy.*)";
  if (cls == "blocklist") return "site list (blocklist.*)";
  if (cls == "optout") return "opt-out registry (optout.*)";
  return "several";
}

std::string F(double v) {  // an SVG coordinate
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// The smallest step of 1, 2 or 5 times a power of ten that reaches `max` in
// at most `ticks` intervals (103 -> 20, axis to 120).
std::int64_t NiceStep(std::int64_t max, int ticks = 6) {
  for (std::int64_t mag = 1;; mag *= 10) {
    for (const std::int64_t m : {1, 2, 5}) {
      const std::int64_t step = m * mag;
      if ((max + step - 1) / step <= ticks) return step;
    }
    if (mag > INT64_MAX / 100) return mag * 10;
  }
}

std::int64_t FloorDiv(std::int64_t a, std::int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

// Howard Hinnant's civil-date algorithms (proleptic Gregorian, UTC).
std::int64_t DaysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = FloorDiv(y, 400);
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void CivilFromDays(std::int64_t z, std::int64_t* y, unsigned* m, unsigned* d) {
  z += 719468;
  const std::int64_t era = FloorDiv(z, 146097);
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = static_cast<std::int64_t>(yoe) + era * 400 + (*m <= 2);
}

std::string UnitName(std::int64_t width) {
  if (width == 1) return "minute";
  if (width < 60) return std::to_string(width) + " minutes";
  if (width == 60) return "hour";
  if (width < 1440) return std::to_string(width / 60) + " hours";
  if (width == 1440) return "day";
  if (width == 10080) return "week";
  return std::to_string(width / 1440) + " days";
}

// --- SVG charts -------------------------------------------------------------

struct Seg {
  std::string cls;  // keep, flag, modify, drop, policy, blocklist, optout, other
  std::int64_t value = 0;
};

struct HBar {
  std::string label;  // raw (escaped when written)
  std::vector<Seg> segs;
  std::string extra_class;  // "total" for the all-documents row
  std::int64_t Total() const {
    std::int64_t t = 0;
    for (const auto& s : segs) t += s.value;
    return t;
  }
};

std::string SvgOpen(const std::string& id, int height, const std::string& title, const std::string& desc) {
  std::ostringstream o;
  o << "<svg class=\"chart\" id=\"" << id << "\" role=\"img\" aria-labelledby=\"" << id << "-t " << id
    << "-d\" width=\"" << kChartWidth << "\" height=\"" << height << "\" viewBox=\"0 0 " << kChartWidth << " "
    << height << "\" font-family=\"system-ui, 'DejaVu Sans', sans-serif\" font-size=\"12\">"
    << "<title id=\"" << id << "-t\">" << HtmlEscape(title) << "</title><desc id=\"" << id << "-d\">"
    << HtmlEscape(desc) << "</desc>";
  return o.str();
}

std::string NoData(const std::string& id, const std::string& title, const std::string& desc) {
  return SvgOpen(id, 70, title, desc) + "<rect class=\"frame\" x=\"0.5\" y=\"0.5\" width=\"" +
         std::to_string(kChartWidth - 1) +
         "\" height=\"69\" fill=\"none\" stroke=\"#d0d4da\"/><text class=\"nodata\" x=\"" +
         std::to_string(kChartWidth / 2) + "\" y=\"40\" text-anchor=\"middle\" fill=\"#5f6670\">no data</text></svg>";
}

// Starts at `x`, or further left when it would not fit (7 px per character
// is generous for 12 px text).
std::string Legend(const std::vector<std::string>& classes, int x, int y) {
  int width = 0;
  for (const auto& c : classes) width += 16 + 7 * static_cast<int>(std::string_view(ClassLabel(c)).size()) + 18;
  x = std::max(8, std::min(x, kChartWidth - 8 - (width - 18)));
  std::ostringstream o;
  o << "<g class=\"legend\">";
  for (const auto& c : classes) {
    const std::string text = ClassLabel(c);
    o << "<rect x=\"" << x << "\" y=\"" << y - 10 << "\" width=\"11\" height=\"11\" rx=\"2\" fill=\"" << FillOf(c)
      << "\"/><text x=\"" << x + 16 << "\" y=\"" << y << "\" fill=\"#1d2530\">" << HtmlEscape(text) << "</text>";
    x += 16 + 7 * static_cast<int>(text.size()) + 18;
  }
  o << "</g>";
  return o.str();
}

std::string SegTitle(const HBar& b) {
  std::string t = b.label + ": " + FormatCount(b.Total());
  if (b.segs.size() > 1) {
    t += " (";
    bool first = true;
    for (const auto& s : b.segs) {
      t += (first ? "" : ", ") + std::string(ClassLabel(s.cls)) + " " + FormatCount(s.value);
      first = false;
    }
    t += ")";
  }
  return t;
}

// Horizontal bars, one per row, stacked segments, the total after each bar.
//
// `whole`, when given, is drawn first across the full width as shares of its
// own total (the population the other bars are drawn from), above the axis.
std::string HBarChart(const std::string& id, const std::string& title, const std::string& desc,
                      const std::vector<HBar>& bars, const std::vector<std::string>& legend,
                      const std::string& axis_label, const HBar* whole = nullptr) {
  std::int64_t max = 0;
  for (const auto& b : bars) max = std::max(max, b.Total());
  if ((bars.empty() || max == 0) && (whole == nullptr || whole->Total() == 0)) return NoData(id, title, desc);
  constexpr int kLabelRight = 236, kX0 = 244, kX1 = kChartWidth - 76, kRow = 24, kBarH = 15;
  int top = legend.empty() ? 12 : 36;
  std::ostringstream head;  // the whole bar
  if (whole != nullptr) {
    constexpr int kWholeH = 20;
    const std::int64_t total = std::max<std::int64_t>(1, whole->Total());
    const double scale = static_cast<double>(kX1 - kX0) / static_cast<double>(total);
    head << "<g class=\"bar " << whole->extra_class << "\"><title>" << HtmlEscape(SegTitle(*whole))
      << "</title><text class=\"label\" x=\"" << kLabelRight << "\" y=\"" << top + kWholeH - 5
      << "\" text-anchor=\"end\" fill=\"#1d2530\" font-weight=\"bold\">"
      << HtmlEscape(ClipChars(whole->label, kLabelChars)) << "</text>";
    double x = kX0;
    for (const auto& s : whole->segs) {
      if (s.value <= 0) continue;
      const double w = std::max(1.0, static_cast<double>(s.value) * scale);
      head << "<rect class=\"seg " << s.cls << "\" x=\"" << F(x) << "\" y=\"" << top << "\" width=\"" << F(w)
        << "\" height=\"" << kWholeH << "\" fill=\"" << FillOf(s.cls) << "\"/>";
      const std::string text = FormatCount(s.value);
      if (w >= 7.5 * static_cast<double>(text.size()) + 8) {
        head << "<text class=\"share\" x=\"" << F(x + w / 2) << "\" y=\"" << top + kWholeH - 6
          << "\" text-anchor=\"middle\" fill=\"" << (s.cls == "modify" ? "#1d2530" : "#ffffff") << "\">" << text
          << "</text>";
      }
      x += w;
    }
    head << "<text class=\"value\" x=\"" << F(x + 6) << "\" y=\"" << top + kWholeH - 5 << "\" fill=\"#1d2530\">"
      << FormatCount(whole->Total()) << "</text></g>";
    top += kWholeH + 22;
  }
  if (bars.empty() || max == 0) {
    const int height = top + 10;
    return SvgOpen(id, height, title, desc) + (legend.empty() ? "" : Legend(legend, kX0, 20)) + head.str() +
           "</svg>";
  }
  const int axis_y = top + static_cast<int>(bars.size()) * kRow + 4;
  const int height = axis_y + 44;
  const std::int64_t step = NiceStep(max);
  const std::int64_t axis_max = (max + step - 1) / step * step;
  const double scale = static_cast<double>(kX1 - kX0) / static_cast<double>(axis_max);

  std::ostringstream o;
  o << SvgOpen(id, height, title, desc);
  if (!legend.empty()) o << Legend(legend, kX0, 20);
  o << head.str();
  o << "<g class=\"axis\">";
  for (std::int64_t t = 0; t <= axis_max; t += step) {
    const double x = kX0 + static_cast<double>(t) * scale;
    o << "<line x1=\"" << F(x) << "\" y1=\"" << top - 4 << "\" x2=\"" << F(x) << "\" y2=\"" << axis_y
      << "\" stroke=\"" << (t == 0 ? "#5f6670" : "#e3e6ea") << "\"/><text class=\"tick\" x=\"" << F(x)
      << "\" y=\"" << axis_y + 15 << "\" text-anchor=\"middle\" fill=\"#5f6670\">" << FormatCount(t) << "</text>";
  }
  o << "<text class=\"axis-label\" x=\"" << (kX0 + kX1) / 2 << "\" y=\"" << height - 8
    << "\" text-anchor=\"middle\" fill=\"#1d2530\">" << HtmlEscape(axis_label) << "</text></g>";
  for (std::size_t i = 0; i < bars.size(); ++i) {
    const HBar& b = bars[i];
    const int y = top + static_cast<int>(i) * kRow + (kRow - kBarH) / 2;
    o << "<g class=\"bar" << (b.extra_class.empty() ? "" : " " + b.extra_class) << "\"><title>"
      << HtmlEscape(SegTitle(b)) << "</title><text class=\"label\" x=\"" << kLabelRight << "\" y=\"" << y + kBarH - 3
      << "\" text-anchor=\"end\" fill=\"#1d2530\">" << HtmlEscape(ClipChars(b.label, kLabelChars)) << "</text>";
    double x = kX0;
    for (const auto& s : b.segs) {
      if (s.value <= 0) continue;
      const double w = std::max(1.0, static_cast<double>(s.value) * scale);
      o << "<rect class=\"seg " << s.cls << "\" x=\"" << F(x) << "\" y=\"" << y << "\" width=\"" << F(w)
        << "\" height=\"" << kBarH << "\" fill=\"" << FillOf(s.cls) << "\"/>";
      x += w;
    }
    o << "<text class=\"value\" x=\"" << F(x + 6) << "\" y=\"" << y + kBarH - 3 << "\" fill=\"#1d2530\">"
      << FormatCount(b.Total()) << "</text></g>";
  }
  o << "</svg>";
  return o.str();
}

// The same numbers as a table, folded under the chart (screen readers,
// copying): one column per segment class, then the total; with no class,
// the documents alone.
std::string DataTable(const std::vector<HBar>& bars, const std::vector<std::string>& columns,
                      const std::string& first_header) {
  if (bars.empty()) return "";
  std::ostringstream o;
  o << "<details><summary>The numbers</summary><table class=\"data\"><thead><tr><th>" << HtmlEscape(first_header)
    << "</th>";
  for (const auto& c : columns) o << "<th class=\"n\">" << HtmlEscape(ClassLabel(c)) << "</th>";
  o << "<th class=\"n\">" << (columns.empty() ? "documents" : "total") << "</th>";
  o << "</tr></thead><tbody>";
  for (const auto& b : bars) {
    o << "<tr><td>" << HtmlEscape(b.label) << "</td>";
    for (const auto& c : columns) {
      std::int64_t v = 0;
      for (const auto& s : b.segs) v += s.cls == c ? s.value : 0;
      o << "<td class=\"n\">" << FormatCount(v) << "</td>";
    }
    o << "<td class=\"n\">" << FormatCount(b.Total()) << "</td>";
    o << "</tr>";
  }
  o << "</tbody></table></details>";
  return o.str();
}

std::string Figure(const std::string& svg, const std::string& caption, const std::string& table) {
  return "<figure>" + svg + "<figcaption>" + caption + "</figcaption>" + table + "</figure>\n";
}

// --- the four charts ----------------------------------------------------------

struct Totals {
  std::int64_t kept = 0, modified = 0, dropped = 0, sites = 0;
  std::int64_t erased = 0;  // of the kept and modified, removed since on request
  std::string first, last;  // considered_at: the processing period
  std::string captured_first, captured_last;  // the documents' own dates, "" when none recorded
};

Totals SumSites(const std::vector<audit::SiteSummary>& sites) {
  Totals t;
  for (const auto& s : sites) {
    t.kept += s.kept;
    t.modified += s.modified;
    t.dropped += s.dropped;
    if (!s.site.empty()) ++t.sites;
    if (!s.first.empty() && (t.first.empty() || s.first < t.first)) t.first = s.first;
    if (s.last > t.last) t.last = s.last;
    t.erased += s.erased;
    if (!s.captured_first.empty() && (t.captured_first.empty() || s.captured_first < t.captured_first)) {
      t.captured_first = s.captured_first;
    }
    if (s.captured_last > t.captured_last) t.captured_last = s.captured_last;
  }
  return t;
}

std::string DecisionsChart(const ReportInput& in, const Totals& t) {
  std::vector<ReasonCount> reasons = in.reasons;
  std::sort(reasons.begin(), reasons.end(), [](const ReasonCount& a, const ReasonCount& b) {
    return a.documents != b.documents ? a.documents > b.documents : a.reason < b.reason;
  });
  const HBar whole{"all documents", {{"keep", t.kept}, {"modify", t.modified}, {"drop", t.dropped}}, "total"};
  std::vector<HBar> bars;
  std::int64_t other_docs = 0, other_reasons = 0;
  bool effects[4] = {true, false, true, true};  // kept, modified, dropped always in the legend
  for (std::size_t i = 0; i < reasons.size(); ++i) {
    if (static_cast<int>(i) < kMaxReasonBars) {
      const ReasonCount& r = reasons[i];
      if (r.split) {
        bars.push_back({r.reason, {{"keep", r.kept}, {"modify", r.modified}, {"drop", r.dropped}}, ""});
      } else {
        bars.push_back({r.reason, {{EffectClass(r.effect), r.documents}}, ""});
        effects[static_cast<int>(r.effect)] = true;
      }
    } else {
      other_docs += reasons[i].documents;
      ++other_reasons;
    }
  }
  if (other_reasons > 0) {
    bars.push_back({FormatCount(other_reasons) + " other reasons", {{"other", other_docs}}, ""});
  }
  std::vector<std::string> legend;
  for (Effect e : {Effect::kKeep, Effect::kFlag, Effect::kModify, Effect::kDrop}) {
    if (effects[static_cast<int>(e)]) legend.push_back(EffectClass(e));
  }
  if (other_reasons > 0) legend.push_back("other");
  const std::int64_t all = t.kept + t.modified + t.dropped;
  std::string desc = FormatCount(all) + " documents considered: " + FormatCount(t.kept) + " kept, " +
                     FormatCount(t.modified) + " modified, " + FormatCount(t.dropped) + " dropped.";
  if (!reasons.empty()) {
    desc += " " + FormatCount(static_cast<std::int64_t>(reasons.size())) + " reasons; the most frequent is " +
            reasons[0].reason + " (" + FormatCount(reasons[0].documents) + " documents).";
  }
  const std::string svg =
      all == 0 ? NoData("chart-decisions", "Documents kept, modified and dropped, by reason", desc)
               : HBarChart("chart-decisions", "Documents kept, modified and dropped, by reason", desc, bars, legend,
                           "documents carrying the reason", &whole);
  std::vector<HBar> rows{whole};
  rows.insert(rows.end(), bars.begin(), bars.end());
  return Figure(svg,
                "<b>1. Decisions and reasons.</b> The top bar is every document in the ledger, split by "
                "decision (full width: all of them). Below it, on their own scale, the documents carrying each "
                "reason (a document may carry several, a kept one usually none), split by the decisions the "
                "ledger recorded for them (a flagged category's documents are kept; one that also carries a "
                "dropping reason is dropped). Source: the decision and the reasons the ledger recorded for each "
                "document.",
                all == 0 ? "" : DataTable(rows, legend, "reason"));
}

std::string SitesChart(const ReportInput& in) {
  std::vector<const audit::SiteSummary*> sites;
  for (const auto& s : in.sites) sites.push_back(&s);
  std::sort(sites.begin(), sites.end(), [](const auto* a, const auto* b) {
    return a->considered != b->considered ? a->considered > b->considered : a->site < b->site;
  });
  const std::size_t top = static_cast<std::size_t>(std::max(1, in.top));
  std::vector<HBar> bars;
  HBar others{"", {{"keep", 0}, {"modify", 0}, {"drop", 0}}, "others"};
  std::int64_t other_sites = 0;
  for (std::size_t i = 0; i < sites.size(); ++i) {
    const auto* s = sites[i];
    if (i < top) {
      bars.push_back({SiteLabel(s->site), {{"keep", s->kept}, {"modify", s->modified}, {"drop", s->dropped}}, ""});
    } else {
      others.segs[0].value += s->kept;
      others.segs[1].value += s->modified;
      others.segs[2].value += s->dropped;
      ++other_sites;
    }
  }
  if (other_sites > 0) {
    others.label = "others (" + FormatCount(other_sites) + (other_sites == 1 ? " site)" : " sites)");
    bars.push_back(others);
  }
  std::string desc = FormatCount(static_cast<std::int64_t>(sites.size())) + " sites.";
  if (!sites.empty()) {
    desc += " Largest: " + SiteLabel(sites[0]->site) + " with " + FormatCount(sites[0]->considered) + " documents.";
  }
  if (other_sites > 0) {
    desc += " The " + FormatCount(static_cast<std::int64_t>(top)) + " largest are drawn, the other " +
            FormatCount(other_sites) + " summed.";
  }
  const std::string svg =
      HBarChart("chart-sites",
                other_sites > 0 ? "Top " + FormatCount(static_cast<std::int64_t>(top)) + " sites by documents considered"
                                : std::string("Sites by documents considered"),
                desc, bars, {"keep", "modify", "drop"}, "documents considered");
  return Figure(svg,
                "<b>2. Sites.</b> Registrable domains (never a URL) with the most documents considered, each split "
                "into kept, modified and dropped; the rest are summed in the last bar. Source: the ledger's "
                "documents, grouped by registrable domain.",
                DataTable(bars, {"keep", "modify", "drop"}, "site"));
}

std::string SignalsChart(const ReportInput& in) {
  std::vector<HBar> bars;
  std::int64_t total = 0;
  std::vector<const ReasonCount*> signals;
  for (const auto& r : in.reasons) {
    const std::string_view id = r.reason;
    if (id.rfind("policy.", 0) == 0 || id.rfind("blocklist.", 0) == 0 || id.rfind("optout.", 0) == 0) {
      signals.push_back(&r);
    }
  }
  std::sort(signals.begin(), signals.end(), [](const auto* a, const auto* b) {
    return a->documents != b->documents ? a->documents > b->documents : a->reason < b->reason;
  });
  std::int64_t other_docs = 0, others = 0;
  bool used[3] = {false, false, false};
  for (std::size_t i = 0; i < signals.size(); ++i) {
    total += signals[i]->documents;
    if (static_cast<int>(i) >= kMaxSignalBars) {
      other_docs += signals[i]->documents;
      ++others;
      continue;
    }
    const std::string_view id = signals[i]->reason;
    const int family = id.rfind("policy.", 0) == 0 ? 0 : id.rfind("blocklist.", 0) == 0 ? 1 : 2;
    used[family] = true;
    bars.push_back({signals[i]->reason, {{family == 0 ? "policy" : family == 1 ? "blocklist" : "optout",
                                          signals[i]->documents}}, ""});
  }
  if (others > 0) bars.push_back({FormatCount(others) + " other signals", {{"other", other_docs}}, ""});
  std::vector<std::string> legend;
  if (used[0]) legend.push_back("policy");
  if (used[1]) legend.push_back("blocklist");
  if (used[2]) legend.push_back("optout");
  if (others > 0) legend.push_back("other");
  std::string desc = signals.empty() ? std::string("No document was refused by an opt-out signal.")
                                     : FormatCount(static_cast<std::int64_t>(signals.size())) +
                                           " kinds of opt-out signal met, " + FormatCount(total) +
                                           " times in all; the most frequent is " + signals[0]->reason + ".";
  const std::string svg = HBarChart("chart-signals", "Opt-out signals met", desc, bars, legend, "documents refused");
  return Figure(svg,
                "<b>3. Opt-out signals.</b> Documents refused because their site or a person objected: the page's "
                "or the origin's own signals (<code>policy.*</code>: robots.txt, ai.txt, TDMRep, noai, noindex, "
                "Content-Usage...), the excluded site lists (<code>blocklist.&lt;category&gt;</code>) and the "
                "opt-out registry (<code>optout.*</code>). Source: the reasons the ledger recorded for each "
                "document.",
                DataTable(bars, {}, "signal"));
}

std::string TimelineChart(const ReportInput& in) {
  const Buckets b = BucketTimeline(in.timeline, kMaxTimelineBuckets);
  const std::string unit = UnitName(b.width);
  const std::string title = "Throughput: documents considered per " + unit;
  std::string undated;
  if (b.undated > 0) undated = " " + FormatCount(b.undated) + " documents have no valid time and are not drawn.";
  const std::string caption =
      "<b>4. Throughput.</b> Documents considered per " + HtmlEscape(unit) +
      " (UTC), by decision; times without any document have no bar. Source: the time at which moisson "
      "considered each document, from the ledger." +
      HtmlEscape(undated);
  if (b.filled.empty()) {
    return Figure(NoData("chart-timeline", title, "No dated document." + undated), caption, "");
  }
  constexpr int kX0 = 70, kX1 = kChartWidth - 20, kTop = 40, kBase = 236, kHeight = 300;
  const std::int64_t slots = (b.last - b.first) / b.width + 1;
  const double slot = static_cast<double>(kX1 - kX0) / static_cast<double>(slots);
  const double bar_w = std::max(1.0, std::min(slot * 0.8, 40.0));
  std::int64_t max = 0, total = 0;
  const Bucket* peak = &b.filled.front();
  for (const auto& x : b.filled) {
    const std::int64_t n = x.kept + x.modified + x.dropped;
    total += n;
    if (n > max) {
      max = n;
      peak = &x;
    }
  }
  const std::int64_t step = NiceStep(max, 5);
  const std::int64_t axis_max = (max + step - 1) / step * step;
  const double scale = static_cast<double>(kBase - kTop) / static_cast<double>(axis_max);
  const std::string from = FormatMinute(b.first), to = FormatMinute(b.last + b.width - 1);
  const bool one_day = from.substr(0, 10) == to.substr(0, 10);
  auto label_of = [&](std::int64_t start) {
    const std::string m = FormatMinute(start);
    if (b.width >= 1440) return m.substr(0, 10);
    return one_day ? m.substr(11, 5) : m.substr(5, 5) + " " + m.substr(11, 5);
  };
  std::string desc = FormatCount(total) + " dated documents from " + from.substr(0, 10) + " " + from.substr(11) +
                     " to " + to.substr(0, 10) + " " + to.substr(11) + " UTC, in " +
                     FormatCount(static_cast<std::int64_t>(b.filled.size())) + " bars of one " + unit +
                     "; the busiest " + unit + " (" + label_of(peak->start) + ") had " + FormatCount(max) +
                     " documents." + undated;

  std::ostringstream o;
  o << SvgOpen("chart-timeline", kHeight, title, desc) << Legend({"keep", "modify", "drop"}, kX0, 20)
    << "<g class=\"axis\">";
  for (std::int64_t t = 0; t <= axis_max; t += step) {
    const double y = kBase - static_cast<double>(t) * scale;
    o << "<line x1=\"" << kX0 << "\" y1=\"" << F(y) << "\" x2=\"" << kX1 << "\" y2=\"" << F(y) << "\" stroke=\""
      << (t == 0 ? "#5f6670" : "#e3e6ea") << "\"/><text class=\"tick\" x=\"" << kX0 - 6 << "\" y=\"" << F(y + 4)
      << "\" text-anchor=\"end\" fill=\"#5f6670\">" << FormatCount(t) << "</text>";
  }
  const std::int64_t every = (slots + 7) / 8;
  for (std::int64_t i = 0; i < slots; i += every) {
    const double x = kX0 + (static_cast<double>(i) + 0.5) * slot;
    o << "<text class=\"tick\" x=\"" << F(x) << "\" y=\"" << kBase + 16 << "\" text-anchor=\"middle\" fill=\"#5f6670\">"
      << HtmlEscape(label_of(b.first + i * b.width)) << "</text>";
  }
  const std::string range = one_day ? from.substr(0, 10) + ", UTC" : "UTC";
  o << "<text class=\"axis-label\" x=\"" << (kX0 + kX1) / 2 << "\" y=\"" << kHeight - 14
    << "\" text-anchor=\"middle\" fill=\"#1d2530\">" << HtmlEscape("time (" + range + ")") << "</text>"
    << "<text class=\"axis-label\" transform=\"translate(16 " << (kTop + kBase) / 2
    << ") rotate(-90)\" text-anchor=\"middle\" fill=\"#1d2530\">" << HtmlEscape("documents per " + unit)
    << "</text></g>";
  for (const auto& x : b.filled) {
    const std::int64_t i = (x.start - b.first) / b.width;
    const double left = kX0 + (static_cast<double>(i) + 0.5) * slot - bar_w / 2;
    const std::int64_t n = x.kept + x.modified + x.dropped;
    o << "<g class=\"bar\"><title>"
      << HtmlEscape(FormatMinute(x.start).replace(10, 1, " ") + " UTC, one " + unit + ": " + FormatCount(n) +
                    " documents (kept " + FormatCount(x.kept) + ", modified " + FormatCount(x.modified) +
                    ", dropped " + FormatCount(x.dropped) + ")")
      << "</title>";
    double y = kBase;
    for (const Seg& s : {Seg{"keep", x.kept}, Seg{"modify", x.modified}, Seg{"drop", x.dropped}}) {
      if (s.value <= 0) continue;
      const double h = std::max(1.0, static_cast<double>(s.value) * scale);
      y -= h;
      o << "<rect class=\"seg " << s.cls << "\" x=\"" << F(left) << "\" y=\"" << F(y) << "\" width=\"" << F(bar_w)
        << "\" height=\"" << F(h) << "\" fill=\"" << FillOf(s.cls) << "\"/>";
    }
    if (slots <= 30) {
      o << "<text class=\"value\" x=\"" << F(left + bar_w / 2) << "\" y=\"" << F(y - 4)
        << "\" text-anchor=\"middle\" fill=\"#1d2530\">" << FormatCount(n) << "</text>";
    }
    o << "</g>";
  }
  o << "</svg>";
  std::vector<HBar> rows;
  for (const auto& x : b.filled) {
    rows.push_back({FormatMinute(x.start).replace(10, 1, " "),
                    {{"keep", x.kept}, {"modify", x.modified}, {"drop", x.dropped}}, ""});
  }
  return Figure(o.str(), caption, DataTable(rows, {"keep", "modify", "drop"}, "from (UTC)"));
}

// --- the page -----------------------------------------------------------------

constexpr const char* kStyle = R"css(
*{box-sizing:border-box}
body{margin:0;background:#f4f5f7;color:#1d2530;
  font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif}
main{max-width:880px;margin:0 auto;padding:28px 24px 40px}
h1{font-size:26px;margin:0 0 4px}
h2{font-size:19px;margin:32px 0 10px;border-bottom:1px solid #d0d4da;padding-bottom:4px}
h3{font-size:16px;margin:20px 0 8px}
p.meta{color:#5f6670;margin:0 0 18px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(104px,1fr));gap:10px}
.card{background:#fff;border:1px solid #d0d4da;border-radius:6px;padding:10px 12px}
.card .n{display:block;font-size:22px;font-weight:600}
.card .l{color:#5f6670;font-size:13px}
.card.keep{border-top:4px solid #2a9d8f}.card.modify{border-top:4px solid #e9b949}
.card.drop{border-top:4px solid #c8553d}
.ok{color:#1e7a45;font-weight:600}.bad{color:#b3261e;font-weight:600}
.alert{background:#fdecea;border:1px solid #b3261e;border-radius:6px;padding:10px 14px;margin:14px 0}
table{border-collapse:collapse;background:#fff;margin:6px 0 10px;font-size:14px}
th,td{border:1px solid #d0d4da;padding:4px 10px;text-align:left;vertical-align:top}
th{background:#eceef1}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
code{font:13px ui-monospace,"DejaVu Sans Mono",monospace;overflow-wrap:anywhere}
figure{break-inside:avoid;margin:18px 0 26px;background:#fff;border:1px solid #d0d4da;border-radius:6px;padding:14px}
svg.chart{display:block;width:100%;max-width:800px;height:auto}
figcaption{font-size:13.5px;color:#3c4450;margin-top:8px}
details{margin-top:8px;font-size:13.5px}
summary{cursor:pointer;color:#355070}
footer{margin-top:34px;font-size:13px;color:#5f6670;border-top:1px solid #d0d4da;padding-top:10px}
)css";

std::string Card(const std::string& n, const std::string& label, const std::string& cls = "") {
  return "<div class=\"card" + (cls.empty() ? "" : " " + cls) + "\"><span class=\"n\">" + n +
         "</span><span class=\"l\">" + HtmlEscape(label) + "</span></div>";
}

std::string OrDash(const std::string& s) { return s.empty() ? "–" : HtmlEscape(s); }

}  // namespace

Effect ReasonEffect(std::string_view reason, const filters::ActionTable& actions) {
  const auto c = filters::ParseCategory(reason);
  if (!c) return Effect::kDrop;
  switch (actions[*c]) {
    case filters::Action::kDrop: return Effect::kDrop;
    case filters::Action::kRedact:
    case filters::Action::kPseudonymise: return Effect::kModify;
    case filters::Action::kFlag: return Effect::kFlag;
    case filters::Action::kKeep: return Effect::kKeep;
  }
  return Effect::kDrop;
}

std::string HtmlEscape(std::string_view s) {
  std::string out;
  out.reserve(s.size() + s.size() / 8);
  for (std::size_t i = 0; i < s.size();) {
    const auto u = static_cast<unsigned char>(s[i]);
    if (u < 0x80) {
      switch (s[i]) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default:
          if (u >= 0x20 && u != 0x7F) {
            out.push_back(s[i]);
          } else if (s[i] == '\n' || s[i] == '\t') {
            out.push_back(' ');
          }
      }
      ++i;
      continue;
    }
    const std::size_t len = Utf8SequenceLength(s, i);
    if (len == 0) {
      out += kReplacementChar;
      ++i;
      continue;
    }
    const bool c1_control = len == 2 && u == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0;
    if (!c1_control) out.append(s.substr(i, len));
    i += len;
  }
  return out;
}

std::string ClipChars(std::string_view s, std::size_t max) {
  std::vector<std::size_t> starts;  // byte offset of each character
  for (std::size_t i = 0; i < s.size();) {
    starts.push_back(i);
    const std::size_t len = Utf8SequenceLength(s, i);
    i += len == 0 ? 1 : len;
  }
  if (starts.size() <= max) return std::string(s);
  if (max == 0) return "";
  return std::string(s.substr(0, starts[max - 1])) + "\xE2\x80\xA6";  // U+2026
}

std::string SiteLabel(std::string_view site) {
  if (site.empty()) return "(no URL)";
  // An IPv6 literal, as NormaliseHost spells it: "[2001:db8::1]".
  if (site.size() > 2 && site.front() == '[' && site.back() == ']' &&
      site.substr(1, site.size() - 2).find_first_not_of("0123456789abcdefABCDEF:.") == std::string_view::npos) {
    return std::string(site);
  }
  if (site.find_first_of(":/@") != std::string_view::npos) return "(not a domain name)";
  return std::string(site);
}

std::string FormatCount(std::int64_t n) {
  std::string digits = std::to_string(n < 0 ? -static_cast<unsigned long long>(n) : static_cast<unsigned long long>(n));
  std::string out;
  const int lead = static_cast<int>(digits.size() % 3);
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (static_cast<int>(i) - lead) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}

std::optional<std::int64_t> ParseMinute(std::string_view m) {
  if (m.size() != 16 || m[4] != '-' || m[7] != '-' || m[10] != 'T' || m[13] != ':') return std::nullopt;
  auto num = [&](std::size_t at, std::size_t len) -> int {
    int v = 0;
    for (std::size_t i = at; i < at + len; ++i) {
      if (m[i] < '0' || m[i] > '9') return -1;
      v = v * 10 + (m[i] - '0');
    }
    return v;
  };
  const int y = num(0, 4), mo = num(5, 2), d = num(8, 2), h = num(11, 2), mi = num(14, 2);
  if (y < 0 || mo < 1 || mo > 12 || d < 1 || h < 0 || h > 23 || mi < 0 || mi > 59) return std::nullopt;
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  const bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (d > kDays[mo - 1] + (mo == 2 && leap ? 1 : 0)) return std::nullopt;
  return DaysFromCivil(y, static_cast<unsigned>(mo), static_cast<unsigned>(d)) * 1440 + h * 60 + mi;
}

std::string FormatMinute(std::int64_t minutes) {
  const std::int64_t days = FloorDiv(minutes, 1440);
  const std::int64_t rest = minutes - days * 1440;
  std::int64_t y;
  unsigned m, d;
  CivilFromDays(days, &y, &m, &d);
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d", static_cast<long long>(y), m, d,
                static_cast<int>(rest / 60), static_cast<int>(rest % 60));
  return buf;
}

Buckets BucketTimeline(const std::vector<audit::TimelinePoint>& timeline, int max_buckets) {
  Buckets out;
  std::vector<std::pair<std::int64_t, const audit::TimelinePoint*>> dated;
  for (const auto& p : timeline) {
    if (auto m = ParseMinute(p.minute)) {
      dated.emplace_back(*m, &p);
    } else {
      out.undated += p.kept + p.modified + p.dropped;
    }
  }
  if (dated.empty()) return out;
  std::sort(dated.begin(), dated.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  const std::int64_t lo = dated.front().first, hi = dated.back().first;
  const int limit = std::max(1, max_buckets);
  static constexpr std::int64_t kWidths[] = {1,   2,   5,   10,   15,   30,    60,    120,
                                             180, 360, 720, 1440, 2880, 10080, 20160, 43200};
  std::int64_t width = 0;
  for (const std::int64_t w : kWidths) {
    if (FloorDiv(hi, w) - FloorDiv(lo, w) + 1 <= limit) {
      width = w;
      break;
    }
  }
  if (width == 0) {
    width = 43200;
    while (FloorDiv(hi, width) - FloorDiv(lo, width) + 1 > limit) width *= 2;
  }
  out.width = width;
  out.first = FloorDiv(lo, width) * width;
  out.last = FloorDiv(hi, width) * width;
  for (const auto& [m, p] : dated) {
    const std::int64_t start = FloorDiv(m, width) * width;
    if (out.filled.empty() || out.filled.back().start != start) out.filled.push_back({start, 0, 0, 0});
    out.filled.back().kept += p->kept;
    out.filled.back().modified += p->modified;
    out.filled.back().dropped += p->dropped;
  }
  return out;
}

std::string RenderReport(const ReportInput& in) {
  const Totals t = SumSites(in.sites);
  const std::int64_t considered = t.kept + t.modified + t.dropped;
  std::ostringstream h;
  h << "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
    << "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
    << "<meta name=\"generator\" content=\"moisson " << HtmlEscape(in.version) << "\">\n"
    << "<title>" << HtmlEscape(in.title) << "</title>\n<style>" << kStyle << "</style>\n</head>\n<body>\n<main>\n"
    << "<header>\n<h1>" << HtmlEscape(in.title) << "</h1>\n<p class=\"meta\">Provenance ledger report, generated "
    << HtmlEscape(in.generated_at) << " by moisson " << HtmlEscape(in.version)
    << ". Registrable domains, counts, reason ids and times only: no URL, no identifier, no document text.</p>\n"
    << "</header>\n";
  if (!in.chain_ok) {
    h << "<div class=\"alert\" role=\"alert\"><b>The ledger's hash chain is broken:</b> "
      << HtmlEscape(in.chain_problem) << " Its counts below may not be what was recorded.</div>\n";
  }
  h << "<section class=\"cards\" aria-label=\"Summary\">" << Card(FormatCount(considered), "documents considered")
    << Card(FormatCount(t.kept), "kept", "keep") << Card(FormatCount(t.modified), "modified", "modify")
    << Card(FormatCount(t.dropped), "dropped", "drop")
    << (t.erased > 0 ? Card(FormatCount(t.erased), "of them erased since, on request") : std::string())
    << Card(FormatCount(t.sites), "sites")
    << Card(FormatCount(static_cast<std::int64_t>(in.runs.size())), "runs")
    << Card(in.chain_ok ? "<span class=\"ok\">intact</span>" : "<span class=\"bad\">BROKEN</span>", "hash chain")
    << "</section>\n";

  h << "<section id=\"ledger\">\n<h2>Ledger</h2>\n<table class=\"kv\"><tbody>"
    << "<tr><th>rows</th><td>" << FormatCount(in.rows) << "</td></tr>"
    << "<tr><th>capture period</th><td>"
    << (t.captured_first.empty() ? std::string("not recorded")
                                 : HtmlEscape(t.captured_first) + " to " + HtmlEscape(t.captured_last))
    << "</td></tr><tr><th>processing period</th><td>"
    << (t.first.empty() ? std::string("–") : HtmlEscape(t.first) + " to " + HtmlEscape(t.last)) << "</td></tr>"
    << "<tr><th>hash chain</th><td>";
  if (in.chain_ok) {
    h << "<span class=\"ok\">intact</span>: " << FormatCount(in.chain_rows) << " rows checked";
  } else {
    h << "<span class=\"bad\">broken</span> after checking " << FormatCount(in.chain_rows)
      << " rows: " << HtmlEscape(in.chain_problem);
  }
  if (in.chain_purged > 0) h << ", " << FormatCount(in.chain_purged) << " purged rows linked through checkpoints";
  h << "</td></tr><tr><th>head</th><td>"
    << (in.chain_head.empty() ? std::string("– (empty ledger)") : "<code>" + HtmlEscape(in.chain_head) + "</code>")
    << "</td></tr></tbody></table>\n"
    << "<p class=\"meta\">The head (last row id and its chained hash) anchors the chain: keep it elsewhere and "
       "<code>moisson audit verify</code> will show any later edit.</p>\n<h3>Runs</h3>\n";
  if (in.runs.empty()) {
    h << "<p>No run recorded.</p>\n";
  } else {
    const std::size_t from = in.runs.size() > kMaxRunsListed ? in.runs.size() - kMaxRunsListed : 0;
    if (from > 0) {
      h << "<p>The last " << kMaxRunsListed << " of " << FormatCount(static_cast<std::int64_t>(in.runs.size()))
        << " runs.</p>\n";
    }
    h << "<table class=\"runs\"><thead><tr><th class=\"n\">run</th><th>command</th><th>started (UTC)</th>"
         "<th>ended (UTC)</th><th>moisson</th></tr></thead><tbody>";
    for (std::size_t i = from; i < in.runs.size(); ++i) {
      const RunLine& r = in.runs[i];
      h << "<tr><td class=\"n\">" << r.id << "</td><td>" << HtmlEscape(ClipChars(r.command, 60)) << "</td><td>"
        << OrDash(r.started_at) << "</td><td>"
        << (r.ended_at.empty() ? std::string("not ended (running, or stopped)") : HtmlEscape(r.ended_at))
        << "</td><td>" << OrDash(r.moisson_version) << "</td></tr>";
    }
    h << "</tbody></table>\n";
  }
  h << "</section>\n<section id=\"charts\">\n<h2>Charts</h2>\n"
    << DecisionsChart(in, t) << SitesChart(in) << SignalsChart(in) << TimelineChart(in) << "</section>\n";

  h << "<section id=\"rights\">\n<h2>Rights requests</h2>\n";
  std::map<std::string, RequestCounts> kinds = in.requests;
  kinds.try_emplace("export");
  kinds.try_emplace("erase");
  h << "<table class=\"requests\"><thead><tr><th>kind</th><th class=\"n\">received</th><th class=\"n\">completed</th>"
       "<th class=\"n\">pending</th></tr></thead><tbody>";
  std::int64_t received = 0, completed = 0;
  for (const auto& [kind, c] : kinds) {
    h << "<tr><td>" << HtmlEscape(kind) << "</td><td class=\"n\">" << FormatCount(c.received)
      << "</td><td class=\"n\">" << FormatCount(c.completed) << "</td><td class=\"n\">"
      << FormatCount(c.received - c.completed) << "</td></tr>";
    received += c.received;
    completed += c.completed;
  }
  h << "<tr><th>all</th><th class=\"n\">" << FormatCount(received) << "</th><th class=\"n\">"
    << FormatCount(completed) << "</th><th class=\"n\">" << FormatCount(received - completed)
    << "</th></tr></tbody></table>\n<p class=\"meta\">Counts only: no request reference, subject or digest. "
       "Source: the rights requests recorded in the ledger.</p>\n</section>\n";

  h << "<section id=\"retention\">\n<h2>Purge checkpoints</h2>\n";
  if (in.checkpoints == 0) {
    h << "<p>No row has been purged: the ledger holds every row recorded.</p>\n";
  } else {
    h << "<table class=\"purges\"><tbody><tr><th>checkpoints</th><td class=\"n\">" << FormatCount(in.checkpoints)
      << "</td></tr><tr><th>rows purged</th><td class=\"n\">" << FormatCount(in.purged_rows)
      << "</td></tr><tr><th>latest purge</th><td>" << OrDash(in.last_purge) << "</td></tr></tbody></table>\n";
  }
  h << "<p class=\"meta\">Rows removed by retention purges are summed up in checkpoints so that the chain still "
       "links what remains. Source: the ledger's purge checkpoints.</p>\n</section>\n";

  h << "<footer>Made by <code>moisson report</code> from the provenance ledger alone. It names registrable domains, "
       "never a URL; it shows counts, reason ids and times, never an identifier, a digest of one, a request "
       "reference or document text. It holds no script and loads nothing: it reads the same offline.</footer>\n"
    << "</main>\n</body>\n</html>\n";
  return h.str();
}

}  // namespace moisson::report
