#include "filters/content.h"

#include <hs/hs.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "filters/fold.h"
#include "filters/scan_database.h"

#ifndef MOISSON_FILTERS_DATA_DIR
#define MOISSON_FILTERS_DATA_DIR "filters/data"
#endif

namespace moisson::filters {

namespace {

enum class Judgement : std::uint8_t { kAdult, kHealthForum, kMinorsNetwork };
// Where a term was found: counted apart.
enum Region : int { kText = 0, kTitle = 1, kUrl = 2 };

struct Term {
  Judgement judgement;
  int group = 0;      // health_forum: 0 forum, 1 health; minors_network: 0 young, 1 social; adult: 0
  int weight = 1;
  bool whole_word = false;  // written in Latin script: a whole word of the text
  std::uint32_t length = 0;
};

// Escapes a literal for Vectorscan.
std::string Literal(std::string_view term) {
  std::string out;
  for (const char c : term) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x80 && !((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    } else {
      out += c;
    }
  }
  return out;
}

// Hits kept per region: far more than any decision needs.
constexpr std::size_t kMaxHits = 4096;

bool WordByte(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

struct Counts {
  // Per region: the term of every hit, in text order (few on most pages).
  std::vector<std::uint32_t> hits[3];
  std::string_view bytes[3];
};

struct ScanContext {
  const std::vector<Term>* terms;
  Counts* counts;
  int region;
};

int OnHit(unsigned id, unsigned long long, unsigned long long to, unsigned, void* ctx) {
  auto* c = static_cast<ScanContext*>(ctx);
  const Term& t = (*c->terms)[id];
  const std::string_view b = c->counts->bytes[c->region];
  if (t.whole_word) {
    const std::size_t end = static_cast<std::size_t>(to);
    const std::size_t start = end - t.length;
    if (start > 0 && WordByte(static_cast<unsigned char>(b[start - 1]))) return 0;
    if (end < b.size() && WordByte(static_cast<unsigned char>(b[end]))) return 0;
  }
  auto& hits = c->counts->hits[c->region];
  if (hits.size() < kMaxHits) hits.push_back(id);
  return 0;
}

}  // namespace

struct ContentClassifier::Impl {
  std::vector<Term> terms;
  std::optional<ScanDatabase> db;
};

Result<ContentClassifier> ContentClassifier::Load(const std::string& data_dir) {
  const std::string dir = (data_dir.empty() ? std::string(MOISSON_FILTERS_DATA_DIR) : data_dir) + "/content";
  auto impl = std::make_shared<Impl>();
  std::vector<std::string> expressions;
  std::vector<unsigned> flags, ids;
  const std::pair<Judgement, const char*> files[] = {{Judgement::kAdult, "adult.tsv"},
                                                     {Judgement::kHealthForum, "health_forum.tsv"},
                                                     {Judgement::kMinorsNetwork, "minors_network.tsv"}};
  for (const auto& [judgement, name] : files) {
    const std::string path = dir + "/" + name;
    std::ifstream in(path, std::ios::binary);
    if (!in) return Status::NotFound(path + ": cannot read the content terms");
    std::string line;
    int n = 0;
    while (std::getline(in, line)) {
      ++n;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> cols;
      std::stringstream ss(line);
      for (std::string col; std::getline(ss, col, '\t');) cols.push_back(col);
      Term t;
      t.judgement = judgement;
      std::string term;
      if (judgement == Judgement::kAdult && cols.size() == 2) {
        term = cols[1];
        t.weight = std::atoi(cols[0].c_str());
      } else if (judgement != Judgement::kAdult && cols.size() == 3) {
        const std::string& g = cols[0];
        if (g == "forum" || g == "young") t.group = 0;
        else if (g == "health" || g == "social") t.group = 1;
        else return Status::AtLine(path, n, "unknown group '" + g + "'");
        t.weight = std::atoi(cols[1].c_str());
        term = cols[2];
      } else {
        return Status::AtLine(path, n, judgement == Judgement::kAdult ? "expected: weight<TAB>term"
                                                                       : "expected: group<TAB>weight<TAB>term");
      }
      if (t.weight < 1 || t.weight > 3) return Status::AtLine(path, n, "a weight is 1, 2 or 3");
      const std::string folded = FoldLower(term);
      if (folded.empty()) return Status::AtLine(path, n, "empty term");
      t.whole_word = std::any_of(folded.begin(), folded.end(), [](char c) { return c >= 'a' && c <= 'z'; });
      t.length = static_cast<std::uint32_t>(folded.size());
      ids.push_back(static_cast<unsigned>(impl->terms.size()));
      expressions.push_back(Literal(folded));
      flags.push_back(0);
      impl->terms.push_back(t);
    }
  }
  int bad = -1;
  auto db = ScanDatabase::Compile(expressions, flags, ids, &bad);
  if (!db.ok()) return Status::InvalidArgument(dir + ": a term does not compile: " + db.status().message());
  impl->db.emplace(std::move(db).value());
  return ContentClassifier(std::move(impl));
}

std::vector<ContentFinding> ContentClassifier::Classify(const Page& page) const {
  const Impl& im = *impl_;
  Counts counts;
  FoldedText folded[2];
  Fold(page.text, &folded[kText]);
  Fold(page.title, &folded[kTitle]);
  std::string url(page.url);
  std::transform(url.begin(), url.end(), url.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c + 32) : c; });
  // The URL's words: its separators read as spaces, so "/porno-videos/"
  // holds the words "porno" and "videos".
  for (char& c : url) {
    if (c == '/' || c == '-' || c == '_' || c == '.' || c == '?' || c == '&' || c == '=' || c == '+') c = ' ';
  }
  counts.bytes[kText] = folded[kText].lower;
  counts.bytes[kTitle] = folded[kTitle].lower;
  counts.bytes[kUrl] = url;
  for (int r = 0; r < 3; ++r) {
    if (counts.bytes[r].empty()) continue;
    ScanContext ctx{&im.terms, &counts, r};
    im.db->Scan(counts.bytes[r].data(), counts.bytes[r].size(), OnHit, &ctx);
  }

  struct Tally {
    int distinct[2] = {0, 0};  // by group
    int strong = 0;            // distinct terms of weight 3
    int weight = 0;            // distinct terms' weights
    int points = 0;            // weight x occurrences (up to 3 each)
    int hits[2] = {0, 0};      // occurrences by group
  };
  for (auto& h : counts.hits) std::sort(h.begin(), h.end());
  const auto tally = [&](Judgement j, int region) {
    Tally t;
    const std::vector<std::uint32_t>& hits = counts.hits[region];
    for (std::size_t a = 0, b = 0; a < hits.size(); a = b) {
      while (b < hits.size() && hits[b] == hits[a]) ++b;
      const Term& term = im.terms[hits[a]];
      const int n = static_cast<int>(b - a);
      if (term.judgement != j) continue;
      ++t.distinct[term.group];
      t.hits[term.group] += n;
      t.weight += term.weight;
      t.points += term.weight * std::min(n, 3);
      if (term.weight == 3) ++t.strong;
    }
    return t;
  };
  const double kb = std::max<double>(static_cast<double>(folded[kText].lower.size()), 500.0) / 1000.0;
  std::vector<ContentFinding> out;
  char buf[256];

  {
    const Tally text = tally(Judgement::kAdult, kText), title = tally(Judgement::kAdult, kTitle),
                url_t = tally(Judgement::kAdult, kUrl);
    const double density = text.points / kb;
    const bool adult = (title.distinct[0] >= 2 && title.weight >= 5) || (text.strong >= 3 && density >= 4.0) ||
                       (title.weight >= 3 && text.strong >= 2) ||
                       (url_t.weight >= 3 && (title.weight >= 3 || text.strong >= 2));
    if (adult) {
      std::snprintf(buf, sizeof buf, "title: %d terms (weight %d); text: %d terms, %d strong, %.1f a KB; url: %d terms",
                    title.distinct[0], title.weight, text.distinct[0], text.strong, density, url_t.distinct[0]);
      out.push_back({Category::kContentAdult, buf});
    }
  }
  {
    const Tally text = tally(Judgement::kHealthForum, kText);
    const Tally title = tally(Judgement::kHealthForum, kTitle);
    const Tally url_t = tally(Judgement::kHealthForum, kUrl);
    const int forum = text.distinct[0] + title.distinct[0] + url_t.distinct[0];
    const int health = text.distinct[1] + title.distinct[1];
    const double density = (text.hits[1] + title.hits[1]) / kb;
    if (forum >= 3 && health >= 4 && density >= 2.0) {
      std::snprintf(buf, sizeof buf, "forum cues: %d; health terms: %d distinct, %.1f a KB", forum, health, density);
      out.push_back({Category::kContentHealthForum, buf});
    }
  }
  {
    const Tally text = tally(Judgement::kMinorsNetwork, kText);
    const Tally title = tally(Judgement::kMinorsNetwork, kTitle);
    const int young = text.distinct[0] + title.distinct[0];
    const int social = text.distinct[1] + title.distinct[1];
    if (young >= 2 && social >= 3) {
      std::snprintf(buf, sizeof buf, "young audience cues: %d; community cues: %d", young, social);
      out.push_back({Category::kContentMinorsNetwork, buf});
    }
  }
  return out;
}

}  // namespace moisson::filters
