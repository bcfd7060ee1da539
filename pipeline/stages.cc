#include "pipeline/stages.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "core/time_util.h"
#include "filters/language.h"

namespace moisson::pipeline {

using filters::Action;
using filters::Category;
using filters::Detection;

void AddReason(std::vector<std::string>* reasons, std::string reason) {
  if (std::find(reasons->begin(), reasons->end(), reason) == reasons->end()) reasons->push_back(std::move(reason));
}

namespace {

using Outcome = Stage::Outcome;

class SiteListStage final : public Stage {
 public:
  explicit SiteListStage(const blocklists::SiteMatcher& lists) : lists_(lists) {}
  std::string_view name() const override { return "site_lists"; }
  Outcome Run(DocumentState& s) const override {
    if (!s.url) return Outcome::kContinue;
    auto refusal = SiteListRefusal(lists_, *s.url);
    if (!refusal) return Outcome::kContinue;
    AddReason(&s.drop_reasons, std::move(refusal->reason));
    return Outcome::kDrop;
  }

 private:
  const blocklists::SiteMatcher& lists_;
};

class UrlOptOutStage final : public Stage {
 public:
  explicit UrlOptOutStage(const blocklists::OptOutRegistry& registry) : registry_(registry) {}
  std::string_view name() const override { return "url_optouts"; }
  Outcome Run(DocumentState& s) const override {
    if (!s.url) return Outcome::kContinue;
    auto refusal = UrlOptOutRefusal(registry_, *s.url);
    if (!refusal) return Outcome::kContinue;
    AddReason(&s.drop_reasons, std::move(refusal->reason));
    return Outcome::kDrop;
  }

 private:
  const blocklists::OptOutRegistry& registry_;
};

class PageSignalStage final : public Stage {
 public:
  PageSignalStage(const policy::PolicyEngine& engine, const sites::SitePolicies* sites, Action unknown)
      : engine_(engine), sites_(sites), unknown_(unknown) {}
  std::string_view name() const override { return "page_signals"; }
  Outcome Run(DocumentState& s) const override {
    if (!s.url) return Outcome::kContinue;
    ProcessedDocument& doc = s.doc;
    // Without a store a dump carries no robots.txt: the site's files count
    // as not published, and only the page's own signals are read.
    const policy::SitePolicy* site = &no_site_policy_;
    const policy::SitePolicy* latest = nullptr;
    if (sites_) {
      const auto choice = sites_->For(s.url->parsed.Origin(), ParseIso8601(s.record.date));
      doc.sites_checked = true;
      doc.sites_known = choice.known;
      if (choice.known) {
        site = choice.nearest;
        if (choice.latest != choice.nearest) latest = choice.latest;
      } else if (unknown_ == Action::kDrop) {
        AddReason(&s.drop_reasons, std::string(kUnknownSiteReason));
        return Outcome::kDrop;
      } else if (unknown_ == Action::kFlag) {
        AddReason(&s.keep_reasons, std::string(kUnknownSiteReason));
      }
    }
    if (!sites_ && !s.html && s.record.headers.empty()) return Outcome::kContinue;
    policy::PageSignals signals;
    signals.headers = s.record.headers;
    if (s.html) signals.meta = PolicyMetaTags(std::move(s.page.policy_meta));
    policy::Decision d = engine_.Decide(*site, s.url->parsed, s.record.url, signals);
    // The capture nearest the page's date allowed it: an opt-out published
    // since still counts.
    if (d.collect && latest) d = engine_.Decide(*latest, s.url->parsed, s.record.url, signals);
    doc.policy_checked = true;
    doc.policy_collect = d.collect;
    for (const auto& r : d.reasons) {
      if (policy::IsObjection(r)) doc.policy_reasons.push_back(r);
    }
    if (d.collect) return Outcome::kContinue;
    doc.policy_signal = policy::BlockingSignal(d);
    for (const auto& r : doc.policy_reasons) AddReason(&s.drop_reasons, "policy." + r);
    return Outcome::kDrop;
  }

 private:
  const policy::PolicyEngine& engine_;
  const sites::SitePolicies* sites_;
  Action unknown_;
  policy::SitePolicy no_site_policy_;
};

class AccessStage final : public Stage {
 public:
  std::string_view name() const override { return "access"; }
  Outcome Run(DocumentState& s) const override {
    if (!s.html) return Outcome::kContinue;
    // A login form on a short page is the wall itself; on a long page it is
    // a box in the header of content anyone can read.
    if (s.page.password_input && s.text.size() < kLoginWallMaxTextBytes) AddReason(&s.drop_reasons, "access.login_wall");
    if (s.page.not_free) AddReason(&s.drop_reasons, "access.paywall");
    return s.drop_reasons.empty() ? Outcome::kContinue : Outcome::kDrop;
  }
};

class LanguageStage final : public Stage {
 public:
  explicit LanguageStage(Action uncovered) : uncovered_(uncovered) {}
  std::string_view name() const override { return "language"; }
  // What the input declares, else what CLD2 reads. A document in a language
  // the sensitive/minor detectors do not read is never silently treated as
  // clean: [filters] uncovered_languages.
  Outcome Run(DocumentState& s) const override {
    s.declared_language = filters::PrimaryLanguageCode(s.doc.lang);
    s.context.lang = s.declared_language;  // the detectors get the declared language only
    std::string language = s.declared_language;
    if (language.empty()) {
      language = filters::IdentifyLanguage(s.text);
      if (s.doc.lang.empty()) s.doc.lang = language;
    }
    s.uncovered_language = !language.empty() && !filters::CoveredLanguage(language);
    if (!s.uncovered_language) return Outcome::kContinue;
    if (uncovered_ == Action::kDrop) {
      AddReason(&s.drop_reasons, std::string(filters::kUncoveredLanguageReason));
      return Outcome::kDrop;
    }
    if (uncovered_ == Action::kFlag) AddReason(&s.keep_reasons, std::string(filters::kUncoveredLanguageReason));
    return Outcome::kContinue;
  }

 private:
  Action uncovered_;
};

// The year of an ISO 8601-ish date ("2024-05-01T..."), when it looks like one.
std::optional<int> YearOf(std::string_view date) {
  if (date.size() < 4) return std::nullopt;
  int y = 0;
  for (int i = 0; i < 4; ++i) {
    if (date[i] < '0' || date[i] > '9') return std::nullopt;
    y = y * 10 + (date[i] - '0');
  }
  if (y < 1990 || y > 2200 || (date.size() > 4 && date[4] >= '0' && date[4] <= '9')) return std::nullopt;
  return y;
}

class ContentStage final : public Stage {
 public:
  ContentStage(const filters::ContentClassifier& classifier, const filters::ActionTable& actions)
      : classifier_(classifier), actions_(actions) {}
  std::string_view name() const override { return "content"; }
  // What the whole page is: a document-level finding (start = end = 0) of
  // each content.* judgement, with its action; a drop ends the document here.
  Outcome Run(DocumentState& s) const override {
    const std::string_view title = s.doc.title;
    for (filters::ContentFinding& f : classifier_.Classify({s.record.url, title, s.text})) {
      const Action a = actions_[f.category];
      if (a == Action::kKeep) continue;
      s.doc.detections.push_back({Detection{f.category, 0, 0}, a});
      if (a != Action::kDrop) continue;
      // The ledger's signal says why, in counts (never the terms or the text).
      if (s.doc.policy_signal.empty()) s.doc.policy_signal = std::string(filters::CategoryId(f.category)) + " " + f.evidence;
      AddReason(&s.drop_reasons, std::string(filters::CategoryId(f.category)));
    }
    return s.drop_reasons.empty() ? Outcome::kContinue : Outcome::kDrop;
  }

 private:
  const filters::ContentClassifier& classifier_;
  filters::ActionTable actions_;
};

class DetectStage final : public Stage {
 public:
  DetectStage(const filters::Detector& detector, const filters::ActionTable& actions)
      : detector_(detector), actions_(actions) {}
  std::string_view name() const override { return "detect"; }
  Outcome Run(DocumentState& s) const override {
    s.context.year = YearOf(s.record.date);
    std::vector<Detection> found = detector_.Detect(s.text, s.context);
    for (const auto& g : s.page.geo) {
      if (g.position) {  // a geolocation meta tag: a document-level finding
        found.insert(found.begin(), Detection{Category::kGeoCoordinates, 0, 0});
        break;
      }
    }
    s.doc.detections.reserve(found.size());
    for (const Detection& d : found) s.doc.detections.push_back({d, actions_[d.category]});
    // The title is page content too (it is written out): the same detectors
    // and actions. Its findings are not listed in the output (their offsets
    // would point into another string) but count for the verdict, reasons
    // and ledger.
    if (!s.doc.title.empty()) {
      for (const Detection& d : detector_.Detect(s.doc.title, s.context)) {
        s.title_detections.push_back({d, actions_[d.category]});
      }
    }
    return Outcome::kContinue;
  }

 private:
  const filters::Detector& detector_;
  filters::ActionTable actions_;
};

class IdentifyStage final : public Stage {
 public:
  explicit IdentifyStage(IdentifierIndex index) : index_(std::move(index)) {}
  std::string_view name() const override { return "identify"; }
  // Digests for the ledger, tokens, the person opt-out (which the act stage
  // turns into a drop, with the categories that drop too).
  Outcome Run(DocumentState& s) const override {
    s.tokens.assign(s.doc.detections.size(), std::string());
    Identify(s.text, s.doc.detections, &s.tokens, &s);
    s.title_tokens.assign(s.title_detections.size(), std::string());
    Identify(s.doc.title, s.title_detections, &s.title_tokens, &s);
    return Outcome::kContinue;
  }

 private:
  void Identify(std::string_view text, const std::vector<AppliedDetection>& found, std::vector<std::string>* tokens,
                DocumentState* s) const {
    for (std::size_t i = 0; i < found.size(); ++i) {
      const AppliedDetection& ad = found[i];
      const Category c = ad.detection.category;
      const bool identifier = c == Category::kIdEmail || c == Category::kIdPhone || c == Category::kIdHandle ||
                              c == Category::kIdIp || c == Category::kIdNir;
      if (ad.detection.end <= ad.detection.start || ad.detection.end > text.size()) continue;
      if (!identifier && ad.action != Action::kPseudonymise) continue;
      FoundIdentifier f = IdentifyFinding(index_, text, ad.detection, ad.action == Action::kPseudonymise);
      s->opted_out_person |= f.opted_out;
      if (f.indexed) s->doc.identifiers.push_back(std::move(*f.indexed));
      (*tokens)[i] = std::move(f.token);
    }
  }

  IdentifierIndex index_;
};

// `text` with its redacted and pseudonymised spans replaced. Overlapping
// spans merge: the first one (longest, then strongest action, at equal start)
// stands for the union. `*changed` says whether anything was replaced.
// One replaced stretch: input [in_start, in_end) became output [out_start, out_end).
struct Replaced {
  std::size_t in_start, in_end, out_start, out_end;
};

// Where input offset `pos` lands in the output, given the replaced stretches
// in order: shifted past those before it, or the edge of the one it is in.
std::size_t MapOffset(std::size_t pos, bool is_end, const std::vector<Replaced>& replaced) {
  std::ptrdiff_t delta = 0;
  for (const Replaced& r : replaced) {
    if (pos <= r.in_start) break;
    if (pos < r.in_end) return is_end ? r.out_end : r.out_start;
    delta = static_cast<std::ptrdiff_t>(r.out_end) - static_cast<std::ptrdiff_t>(r.in_end);
  }
  return static_cast<std::size_t>(static_cast<std::ptrdiff_t>(pos) + delta);
}

std::string ApplySpans(std::string_view text, const std::vector<AppliedDetection>& detections,
                       const std::vector<std::string>& tokens, bool* changed,
                       std::vector<Replaced>* replaced = nullptr) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < detections.size(); ++i) {
    const auto& ad = detections[i];
    if ((ad.action == Action::kRedact || ad.action == Action::kPseudonymise) && ad.detection.end > ad.detection.start &&
        ad.detection.end <= text.size()) {
      order.push_back(i);
    }
  }
  *changed = !order.empty();
  if (order.empty()) return std::string();
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const auto& x = detections[a];
    const auto& y = detections[b];
    if (x.detection.start != y.detection.start) return x.detection.start < y.detection.start;
    if (x.detection.end != y.detection.end) return x.detection.end > y.detection.end;
    return x.action > y.action;
  });
  std::string out;
  out.reserve(text.size());
  std::size_t pos = 0;
  for (std::size_t i : order) {
    const auto& ad = detections[i];
    if (ad.detection.start < pos) {  // overlaps what was just replaced: the replacement stands for both
      pos = std::max<std::size_t>(pos, ad.detection.end);
      if (replaced && !replaced->empty()) replaced->back().in_end = pos;
      continue;
    }
    out.append(text.substr(pos, ad.detection.start - pos));
    const std::size_t out_start = out.size();
    if (ad.action == Action::kPseudonymise && i < tokens.size() && !tokens[i].empty()) {
      out.append(tokens[i]);
    } else {
      out.append("[").append(filters::CategoryId(ad.detection.category)).append("]");
    }
    if (replaced) replaced->push_back({ad.detection.start, ad.detection.end, out_start, out.size()});
    pos = ad.detection.end;
  }
  out.append(text.substr(pos));
  return out;
}

class ActStage final : public Stage {
 public:
  std::string_view name() const override { return "act"; }
  Outcome Run(DocumentState& s) const override {
    ProcessedDocument& doc = s.doc;
    if (s.opted_out_person) AddReason(&s.drop_reasons, "optout.person");
    for (const auto* list : {&doc.detections, &s.title_detections}) {
      for (const auto& ad : *list) {
        if (ad.action == Action::kDrop) AddReason(&s.drop_reasons, std::string(filters::CategoryId(ad.detection.category)));
      }
    }
    if (!s.drop_reasons.empty()) return Outcome::kDrop;
    for (const auto* list : {&doc.detections, &s.title_detections}) {
      for (const auto& ad : *list) {
        if (ad.action == Action::kFlag || ad.action == Action::kRedact || ad.action == Action::kPseudonymise) {
          AddReason(&s.keep_reasons, std::string(filters::CategoryId(ad.detection.category)));
        }
      }
    }
    bool changed = false;
    std::vector<Replaced> replaced;
    std::string out = ApplySpans(s.text, doc.detections, s.tokens, &changed, &replaced);
    for (AppliedDetection& ad : doc.detections) {
      ad.out_start = static_cast<std::uint32_t>(MapOffset(ad.detection.start, false, replaced));
      ad.out_end = static_cast<std::uint32_t>(MapOffset(ad.detection.end, true, replaced));
    }
    if (changed) {
      doc.text = std::move(out);
    } else {
      doc.text = s.html ? std::move(s.page.text) : std::string(s.text);
    }
    bool title_changed = false;
    std::string title = ApplySpans(doc.title, s.title_detections, s.title_tokens, &title_changed);
    if (title_changed) doc.title = std::move(title);
    if (changed || title_changed) doc.verdict = filters::Verdict::kModify;
    return Outcome::kContinue;
  }
};

}  // namespace

std::optional<SourceRefusal> SiteListRefusal(const blocklists::SiteMatcher& lists, const blocklists::SiteUrl& url) {
  auto hit = lists.Match(url);
  if (!hit) return std::nullopt;
  return SourceRefusal{"blocklist." + hit->category, hit->source + " " + hit->entry};
}

std::optional<SourceRefusal> UrlOptOutRefusal(const blocklists::OptOutRegistry& registry,
                                              const blocklists::SiteUrl& url) {
  switch (registry.MatchUrl(url)) {
    case blocklists::OptOutRegistry::UrlOptOut::kSiteOwner:
      return SourceRefusal{"optout.site", "opt-out registry (site owner)"};
    case blocklists::OptOutRegistry::UrlOptOut::kPerson:
      return SourceRefusal{"optout.person", "opt-out registry (person, URL prefix)"};
    case blocklists::OptOutRegistry::UrlOptOut::kNone:
      break;
  }
  return std::nullopt;
}

std::vector<policy::MetaTag> PolicyMetaTags(std::vector<io::PolicyMeta> meta) {
  std::vector<policy::MetaTag> out;
  out.reserve(meta.size());
  for (io::PolicyMeta& m : meta) out.push_back({m.line, std::move(m.name), std::move(m.content)});
  return out;
}

std::vector<policy::MetaTag> PolicyMetaTagsOf(std::string_view html) {
  return PolicyMetaTags(io::ExtractHtml(html).policy_meta);
}

std::unique_ptr<Stage> MakeSiteListStage(const blocklists::SiteMatcher& lists) {
  return std::make_unique<SiteListStage>(lists);
}
std::unique_ptr<Stage> MakeUrlOptOutStage(const blocklists::OptOutRegistry& registry) {
  return std::make_unique<UrlOptOutStage>(registry);
}
std::unique_ptr<Stage> MakePageSignalStage(const policy::PolicyEngine& engine, const sites::SitePolicies* sites,
                                           Action unknown) {
  return std::make_unique<PageSignalStage>(engine, sites, unknown);
}
std::unique_ptr<Stage> MakeAccessStage() { return std::make_unique<AccessStage>(); }
std::unique_ptr<Stage> MakeLanguageStage(Action uncovered) { return std::make_unique<LanguageStage>(uncovered); }
std::unique_ptr<Stage> MakeContentStage(const filters::ContentClassifier& classifier,
                                        const filters::ActionTable& actions) {
  return std::make_unique<ContentStage>(classifier, actions);
}
std::unique_ptr<Stage> MakeDetectStage(const filters::Detector& detector, const filters::ActionTable& actions) {
  return std::make_unique<DetectStage>(detector, actions);
}
std::unique_ptr<Stage> MakeIdentifyStage(IdentifierIndex index) {
  return std::make_unique<IdentifyStage>(std::move(index));
}
std::unique_ptr<Stage> MakeActStage() { return std::make_unique<ActStage>(); }

std::vector<std::unique_ptr<Stage>> StandardStages(const ProcessorParts& parts, const ProcessorSettings& settings) {
  std::vector<std::unique_ptr<Stage>> stages;
  if (!settings.sources_judged) {
    if (parts.site_lists) stages.push_back(MakeSiteListStage(*parts.site_lists));
    if (parts.registry) stages.push_back(MakeUrlOptOutStage(*parts.registry));
  }
  if (parts.policy) stages.push_back(MakePageSignalStage(*parts.policy, parts.sites, settings.unknown_sites));
  stages.push_back(MakeAccessStage());
  stages.push_back(MakeLanguageStage(settings.uncovered_languages));
  if (parts.content) stages.push_back(MakeContentStage(*parts.content, settings.actions));
  stages.push_back(MakeDetectStage(*parts.detector, settings.actions));
  stages.push_back(MakeIdentifyStage(IdentifierIndex{parts.key, parts.registry, settings.phone_region}));
  stages.push_back(MakeActStage());
  return stages;
}

}  // namespace moisson::pipeline
