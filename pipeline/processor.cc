#include "pipeline/processor.h"

#include <simdjson.h>

#include <algorithm>

#include "blocklists/host.h"
#include "core/json.h"
#include "core/strings.h"
#include "filters/language.h"
#include "io/html_text.h"
#include "pipeline/stage.h"
#include "pipeline/stages.h"

namespace moisson::pipeline {

using filters::Action;
using filters::Category;
using filters::Verdict;

Processor::Processor(ProcessorParts parts, ProcessorSettings settings)
    : parts_(parts), settings_(std::move(settings)) {
  for (auto& stage : StandardStages(parts_, settings_)) stages_.push_back(std::move(stage));
}

namespace {

// Every string inside `v` (object members and array items, at any depth).
void Strings(simdjson::dom::element v, std::vector<std::string_view>* out) {
  switch (v.type()) {
    case simdjson::dom::element_type::STRING: out->push_back(std::string_view(v)); break;
    case simdjson::dom::element_type::ARRAY:
      for (simdjson::dom::element x : simdjson::dom::array(v)) Strings(x, out);
      break;
    case simdjson::dom::element_type::OBJECT:
      for (auto [k, x] : simdjson::dom::object(v)) Strings(x, out);
      break;
    default: break;
  }
}

}  // namespace

// The input's other fields go on only when they are valid JSON and none of
// their strings holds anything the detectors find (an e-mail in "author", a
// health disclosure in "bio"): such a field is withheld whole, and counted.
// Metadata is never edited in place: what a field means with a part cut out
// is not known.
std::string Processor::ScreenMetadata(std::string_view json, std::uint32_t* withheld) const {
  thread_local simdjson::dom::parser parser;
  simdjson::dom::object obj;
  if (parser.parse(json.data(), json.size()).get(obj) != simdjson::SUCCESS) {
    *withheld += 1;  // not valid JSON (the reader checks brackets, not every token): nothing goes on
    return std::string();
  }
  JsonWriter w;
  bool any = false;
  std::vector<std::string_view> strings;
  for (auto [key, value] : obj) {
    strings.clear();
    Strings(value, &strings);
    bool found = false;
    for (std::string_view str : strings) {
      if (!parts_.detector->Detect(str, filters::DocumentContext{}).empty()) {
        found = true;
        break;
      }
    }
    if (found) {
      *withheld += 1;
      continue;
    }
    if (!any) w.BeginObject();
    any = true;
    w.Key(key).Raw(simdjson::minify(value));
  }
  if (!any) return std::string();
  w.EndObject();
  return w.Take();
}

ProcessedDocument Processor::Process(const io::InputRecord& record, CrawlHints* hints) const {
  ProcessedDocument doc;
  doc.id = record.id;
  doc.url = record.url;
  doc.date = record.date;
  doc.lang = record.lang;
  doc.source_file = record.source_file;
  doc.offset = record.offset;
  doc.line = record.line;
  DocumentState state(record, doc);

  // The text: HTML is parsed once, here; its meta tags, geo tags and access
  // markers go to the stages. Plain text is read in place.
  state.html = record.kind == io::ContentKind::kHtml;
  if (state.html) {
    io::ExtractOptions opts;
    opts.http_charset = record.charset;
    opts.collect_links = hints != nullptr;
    state.page = io::ExtractHtml(record.content, opts);
    io::ExtractedPage& page = state.page;
    if (hints != nullptr) {
      hints->links = std::move(page.links);
      hints->links_over_cap = page.links_over_cap;
      hints->base_href = std::move(page.base_href);
      hints->nofollow = page.nofollow;
    }
    doc.title = std::move(page.title);
    if (doc.lang.empty()) doc.lang = std::move(page.lang);
  }
  state.text = state.html ? std::string_view(state.page.text) : std::string_view(record.content);
  doc.text_sha256 = Sha256Hex(state.text);

  // Where it comes from: the host in the lists' normal form, the site.
  if (!record.url.empty()) {
    if (auto u = blocklists::ParseSiteUrl(record.url); u.ok()) {
      state.url = std::move(u).value();
      doc.site = blocklists::SiteOf(state.url->host);
    }
  }

  for (const auto& stage : stages_) {
    if (stage->Run(state) == Stage::Outcome::kDrop) {
      // Not collected, or excluded: nothing of the text is kept, and the
      // stages after this one do not look at it (CNIL: process no more than
      // needed). The first drop wins: its reasons are the document's.
      doc.verdict = Verdict::kDrop;
      doc.reasons = std::move(state.drop_reasons);
      std::sort(doc.reasons.begin(), doc.reasons.end());
      doc.text.clear();
      doc.title.clear();
      return doc;
    }
  }
  doc.reasons = std::move(state.keep_reasons);
  std::sort(doc.reasons.begin(), doc.reasons.end());
  // The input's other fields, screened only for a document that goes on (a
  // dropped one's are never written).
  if (!record.metadata_json.empty()) doc.metadata_json = ScreenMetadata(record.metadata_json, &doc.metadata_withheld);
  return doc;
}

namespace {

void DetectionsJson(const ProcessedDocument& doc, bool with_action, JsonWriter* w) {
  w->Key("detections").BeginArray();
  for (const auto& ad : doc.detections) {
    w->BeginObject()
        .Key("category").String(filters::CategoryId(ad.detection.category))
        .Key("start").Int(ad.detection.start)
        .Key("end").Int(ad.detection.end)
        .Key("by").String(filters::ByName(ad.detection.by));
    if (with_action) w->Key("action").String(ActionName(ad.action));
    w->EndObject();
  }
  w->EndArray();
}

void ReasonsJson(const ProcessedDocument& doc, JsonWriter* w) {
  w->Key("reasons").BeginArray();
  for (const auto& r : doc.reasons) w->String(r);
  w->EndArray();
}

}  // namespace

bool HasReason(const ProcessedDocument& doc, std::string_view reason) {
  return std::binary_search(doc.reasons.begin(), doc.reasons.end(), reason,
                            [](std::string_view a, std::string_view b) { return a < b; });
}

std::string OutputJson(const ProcessedDocument& doc, std::string_view fetch_json) {
  JsonWriter w;
  w.BeginObject()
      .Key("id").String(doc.id)
      .Key("url").String(doc.url)
      .Key("site").String(doc.site)
      .Key("fetched_at").String(doc.date)
      .Key("lang").String(doc.lang);
  if (!doc.title.empty()) w.Key("title").String(doc.title);
  w.Key("text").String(doc.text);
  if (!doc.metadata_json.empty()) w.Key("metadata").Raw(doc.metadata_json);
  w.Key("moisson").BeginObject();
  w.Key("decision").String(VerdictName(doc.verdict));
  DetectionsJson(doc, true, &w);
  // One entry per category acted upon (a category has one action), with how many spans.
  w.Key("actions").BeginArray();
  std::array<int, filters::kCategoryCount> count{};
  std::array<Action, filters::kCategoryCount> action{};
  for (const auto& ad : doc.detections) {
    if (ad.action == Action::kKeep) continue;
    ++count[static_cast<int>(ad.detection.category)];
    action[static_cast<int>(ad.detection.category)] = ad.action;
  }
  for (int c = 0; c < filters::kCategoryCount; ++c) {
    if (count[c] == 0) continue;
    w.BeginObject()
        .Key("category").String(filters::CategoryId(static_cast<Category>(c)))
        .Key("action").String(ActionName(action[c]))
        .Key("count").Int(count[c])
        .EndObject();
  }
  w.EndArray();
  w.Key("policy").BeginObject().Key("checked").Bool(doc.policy_checked).Key("collect").Bool(doc.policy_collect);
  w.Key("reasons").BeginArray();
  for (const auto& r : doc.policy_reasons) w.String(r);
  w.EndArray().EndObject();
  if (fetch_json.empty()) {
    w.Key("source").BeginObject().Key("file").String(doc.source_file).Key("offset").Int(static_cast<std::int64_t>(doc.offset)).EndObject();
  } else {
    w.Key("fetch").Raw(fetch_json);
  }
  w.Key("text_sha256").String(doc.text_sha256);
  // Kept, but marked for review: a language the sensitive/minor detectors do not read.
  if (HasReason(doc, filters::kUncoveredLanguageReason)) w.Key("flags").BeginArray().String(filters::kUncoveredLanguageReason).EndArray();
  w.EndObject().EndObject();
  return w.Take();
}

namespace {

// Code point indices of byte offsets of UTF-8 `text` (dolma's spans index
// the text as Python does, by character), for all the offsets at once: one
// pass over the text, whatever the number of spans.
class CharIndex {
 public:
  CharIndex(std::string_view text, std::vector<std::size_t> bytes) : bytes_(std::move(bytes)) {
    std::sort(bytes_.begin(), bytes_.end());
    bytes_.erase(std::unique(bytes_.begin(), bytes_.end()), bytes_.end());
    chars_.resize(bytes_.size());
    std::int64_t n = 0;
    std::size_t i = 0;
    for (std::size_t k = 0; k < bytes_.size(); ++k) {
      const std::size_t end = std::min(bytes_[k], text.size());
      for (; i < end; ++i) n += (static_cast<unsigned char>(text[i]) & 0xC0) != 0x80;
      chars_[k] = n;
    }
  }
  std::int64_t operator()(std::size_t byte) const {
    return chars_[std::lower_bound(bytes_.begin(), bytes_.end(), byte) - bytes_.begin()];
  }

 private:
  std::vector<std::size_t> bytes_;
  std::vector<std::int64_t> chars_;
};

}  // namespace

std::string AttributesJson(const ProcessedDocument& doc) {
  JsonWriter w;
  w.BeginObject().Key("id").String(doc.id).Key("attributes").BeginObject();
  std::array<std::vector<const AppliedDetection*>, filters::kCategoryCount> by_category;
  std::vector<std::size_t> offsets;
  for (const auto& ad : doc.detections) {
    by_category[static_cast<int>(ad.detection.category)].push_back(&ad);
    offsets.push_back(ad.out_start);
    offsets.push_back(ad.out_end);
  }
  const CharIndex chars(doc.text, std::move(offsets));
  for (int c = 0; c < filters::kCategoryCount; ++c) {
    if (by_category[c].empty()) continue;
    w.Key(std::string("moisson__moisson__").append(filters::CategoryId(static_cast<Category>(c)))).BeginArray();
    for (const AppliedDetection* ad : by_category[c]) {
      w.BeginArray().Int(chars(ad->out_start)).Int(chars(ad->out_end)).Double(1.0).EndArray();
    }
    w.EndArray();
  }
  w.EndObject().EndObject();
  return w.Take();
}

std::string ScanJson(const ProcessedDocument& doc) {
  JsonWriter w;
  w.BeginObject().Key("id").String(doc.id).Key("decision").String(VerdictName(doc.verdict));
  ReasonsJson(doc, &w);
  DetectionsJson(doc, false, &w);
  w.EndObject();
  return w.Take();
}

std::string RejectJson(const ProcessedDocument& doc) {
  JsonWriter w;
  w.BeginObject().Key("id").String(doc.id).Key("url").String(doc.url);
  ReasonsJson(doc, &w);
  w.EndObject();
  return w.Take();
}

}  // namespace moisson::pipeline
