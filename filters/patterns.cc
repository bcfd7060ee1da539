// Pattern detectors: one Vectorscan pass finds candidates for every pattern
// category at once; exact validators and context rules run on candidates.
//
// Why Vectorscan rather than RE2::Set: RE2::Set says which patterns match but
// not where, so each hit costs a second full RE2 search per pattern; Vectorscan
// reports (pattern, start, end) in the same pass. bench/filter_bench and
// docs/benchmarks.md give the measured throughput of the whole chain.
#include "filters/patterns.h"

#include <hs/hs.h>
#include <re2/re2.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <mutex>
#include <unordered_map>

#include "core/strings.h"
#include "filters/validators.h"

#ifndef MOISSON_FILTERS_DATA_DIR
#define MOISSON_FILTERS_DATA_DIR "filters/data"
#endif

namespace moisson::filters {
namespace {

enum Pattern : unsigned {
  kEmail,
  kHandle,
  kProfile,
  kCard,
  kPhoneFr,
  kPhoneIntl,
  kPhoneNanp,
  kPhoneUk,
  kIban,
  kBic,
  kRib,
  kNir,
  kIpv4,
  kIpv6,
  kCoordDecimal,
  kCoordDms,
  kGeoUri,
  kMapLink,
  kAddressFr,
  kAddressEn,
  kPatternCount
};

struct PatternDef {
  Pattern id;
  const char* regex;
  unsigned flags;
};

constexpr unsigned kSom = HS_FLAG_SOM_LEFTMOST;
constexpr unsigned kCi = HS_FLAG_CASELESS;
constexpr unsigned kU8 = HS_FLAG_UTF8;

// Candidate shapes. They over-match on purpose; validators decide.
const PatternDef kPatterns[] = {
    {kEmail, R"([A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24})", kSom},
    {kHandle, R"(@[A-Za-z0-9_][A-Za-z0-9_.]*)", kSom},
    {kProfile,
     R"((?:twitter\.com|x\.com|instagram\.com|tiktok\.com|facebook\.com|fb\.com|linkedin\.com/in|github\.com|youtube\.com|threads\.net|bsky\.app/profile|mastodon\.social)/@?[A-Za-z0-9_][A-Za-z0-9_.\-]*)",
     kSom | kCi},
    {kCard, R"(\b\d{4}(?:[ \-]?\d{4}){2}[ \-]?\d{1,7}\b|\b\d{4}[ \-]?\d{6}[ \-]?\d{4,5}\b)", kSom},
    {kPhoneFr, R"((?:\+33[ .\-]?(?:\(0\)[ .\-]?)?|\b0033[ .\-]?|\b0)[1-9](?:[ .\-]?\d\d){4}\b)", kSom},
    {kPhoneIntl, R"(\+[1-9]\d{0,2}[ .\-]?(?:\(\d{1,4}\)[ .\-]?)?\d{1,5}(?:[ .\-]?\d{2,5}){1,5}\b)", kSom},
    {kPhoneNanp, R"((?:\(\d{3}\)\s?|\b\d{3}[ .\-])\d{3}[ .\-]\d{4}\b)", kSom},
    {kPhoneUk, R"(\b0\d{2,4}[ ]?\d{3,4}[ ]?\d{3,4}\b)", kSom},
    {kIban, R"(\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b)", kSom},
    {kBic, R"(\b[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?\b)", kSom},
    {kRib, R"(\b\d{5}[ ]?\d{5}[ ]?[0-9A-Z]{11}[ ]?\d{2}\b)", kSom},
    {kNir, R"(\b[12][ .]?\d{2}[ .]?\d{2}[ .]?(?:\d{2}|2[AB])[ .]?\d{3}[ .]?\d{3}[ .]?\d{2}\b)", kSom | kCi},
    {kIpv4, R"(\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b)", kSom},
    {kIpv6, R"([0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7})", kSom},
    {kCoordDecimal,
     R"(-?\d{1,2}[.,]\d{3,}\s?°?\s?[NS]?\s?(?:[,;/]|\s)\s?-?\d{1,3}[.,]\d{3,}\s?°?\s?[EWO]?)", kSom | kU8},
    {kCoordDms, R"(\d{1,3}\s?°\s?\d{1,2}\s?['′’]\s?(?:\d{1,2}(?:[.,]\d+)?\s?(?:["″”]|''))?\s?[NSEWO])", kSom | kU8},
    {kGeoUri, R"(geo:-?\d{1,2}(?:\.\d+)?,-?\d{1,3}(?:\.\d+)?(?:,-?\d+(?:\.\d+)?)?(?:;[A-Za-z0-9=.;\-]*)?)", kSom | kCi},
    {kMapLink,
     R"((?:google\.[a-z.]{2,6}/maps|maps\.google\.[a-z.]{2,6}|goo\.gl/maps|openstreetmap\.org|osm\.org|maps\.apple\.com|waze\.com|bing\.com/maps)[^\s"'<>)]*)",
     kSom | kCi},
    {kAddressFr,
     R"(\b\d{1,4}(?:\s?(?:bis|ter|quater|[a-d]))?,?\s(?:rue|avenue|av\.|boulevard|bd|chemin|impasse|allée|allee|place|quai|route|cours|square|passage|lieu-dit|résidence|residence|sentier|hameau|faubourg|rond-point|esplanade|ruelle|villa|cité|cite)\s[^\n,;()0-9]+)",
     kSom | kCi | kU8},
    {kAddressEn,
     R"(\b\d{1,5}[A-Za-z]?\s(?:[A-Z][A-Za-z'\-]+\s){1,3}(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard|Blvd\.?|Court|Ct\.?|Terrace|Place|Pl\.?|Way|Close|Crescent|Gardens|Square|Sq\.?|Parkway|Pkwy|Highway|Hwy)\b(?:\s(?:NW|NE|SW|SE|N|S|E|W)\b)?)",
     kSom},
};

struct Candidate {
  Pattern id;
  std::uint32_t from, to;
};

// The lists of filters/data/patterns/cues.txt.
struct Cues {
  std::vector<std::string> personal_address, business_address, personal_geo, encyclopedic_geo, banking;
};

Result<Cues> LoadCues(const std::string& path) {
  std::ifstream f(path);
  if (!f) return Status::NotFound(path + ": cannot open the pattern cue list");
  Cues c;
  std::vector<std::string>* cur = nullptr;
  std::string line;
  int n = 0;
  while (std::getline(f, line)) {
    ++n;
    std::string_view t = TrimAsciiSpace(line);
    if (t.empty() || t.front() == '#') continue;
    if (t.front() == '[') {
      if (t == "[personal_address]") cur = &c.personal_address;
      else if (t == "[business_address]") cur = &c.business_address;
      else if (t == "[personal_geo]") cur = &c.personal_geo;
      else if (t == "[encyclopedic_geo]") cur = &c.encyclopedic_geo;
      else if (t == "[banking]") cur = &c.banking;
      else return Status::AtLine(path, n, "unknown section " + ClipForMessage(t));
      continue;
    }
    if (cur == nullptr) return Status::AtLine(path, n, "a cue before any [section]");
    cur->push_back(AsciiLower(t));
  }
  return c;
}

bool IsWordByte(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9') || u >= 0x80;
}

// Does `lower` contain one of `cues` on word boundaries?
bool HasCue(std::string_view lower, const std::vector<std::string>& cues) {
  for (const std::string& cue : cues) {
    std::size_t pos = 0;
    while ((pos = lower.find(cue, pos)) != std::string_view::npos) {
      const bool left = pos == 0 || !IsWordByte(lower[pos - 1]) || !IsWordByte(cue.front());
      const std::size_t end = pos + cue.size();
      const bool right = end >= lower.size() || !IsWordByte(lower[end]) || !IsWordByte(cue.back());
      if (left && right) return true;
      ++pos;
    }
  }
  return false;
}

// The text before [from] (at most n bytes, from a line start if one is near), lower-cased.
std::string Before(std::string_view text, std::size_t from, std::size_t n) {
  const std::size_t start = from > n ? from - n : 0;
  return AsciiLower(text.substr(start, from - start));
}
std::string After(std::string_view text, std::size_t to, std::size_t n) { return AsciiLower(text.substr(to, n)); }

int CountDigits(std::string_view s) {
  int n = 0;
  for (char c : s) n += c >= '0' && c <= '9';
  return n;
}

// Scratch space per thread and database (Vectorscan scratch is not shareable).
struct ScratchCache {
  std::vector<std::pair<const hs_database_t*, hs_scratch_t*>> entries;
  ~ScratchCache() {
    for (auto& e : entries) hs_free_scratch(e.second);
  }
  hs_scratch_t* For(const hs_database_t* db) {
    for (auto& e : entries) {
      if (e.first == db) return e.second;
    }
    hs_scratch_t* s = nullptr;
    if (hs_alloc_scratch(db, &s) != HS_SUCCESS) return nullptr;
    entries.emplace_back(db, s);
    return s;
  }
};

}  // namespace

struct PatternDetector::Impl {
  hs_database_t* db = nullptr;
  Cues cues;
  std::unique_ptr<RE2> map_coords;    // coordinates inside a map link
  std::unique_ptr<RE2> postcode_tail;  // ", 75011 Paris" / ", London NW1 6XE" after a street
  ~Impl() { hs_free_database(db); }

  void Detect(std::string_view text, const DocumentContext& ctx, std::vector<Detection>* out) const;
  void Validate(std::string_view text, const Candidate& c, std::vector<Detection>* out) const;
};

Result<PatternDetector> PatternDetector::Create() {
  auto impl = std::make_shared<Impl>();
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (const auto& p : kPatterns) {
    exprs.push_back(p.regex);
    flags.push_back(p.flags);
    ids.push_back(p.id);
  }
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                       nullptr, &impl->db, &err) != HS_SUCCESS) {
    std::string msg = std::string("pattern set does not compile: ") + (err ? err->message : "?") + " (pattern " +
                      std::to_string(err ? err->expression : -1) + ")";
    hs_free_compile_error(err);
    return Status::Internal(msg);
  }
  auto cues = LoadCues(std::string(MOISSON_FILTERS_DATA_DIR) + "/patterns/cues.txt");
  if (!cues.ok()) return cues.status();
  impl->cues = std::move(cues).value();
  impl->map_coords = std::make_unique<RE2>(R"((-?\d{1,2}\.\d{3,})\s*(?:,|%2C|~|/|&mlon=|&lon=)\s*(-?\d{1,3}\.\d{3,}))");
  impl->postcode_tail = std::make_unique<RE2>(
      R"(^(,?\s*(?:\d{5}\s+[^\d\s,.;()][^\n,.;()]{1,40}|[A-Z][A-Za-z]+(?:\s[A-Z][A-Za-z]+)?,?\s(?:[A-Z]{2}\s\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}))))");
  return PatternDetector(std::move(impl));
}

void PatternDetector::Detect(std::string_view text, const DocumentContext& ctx, std::vector<Detection>* out) const {
  impl_->Detect(text, ctx, out);
}

void PatternDetector::Impl::Detect(std::string_view text, const DocumentContext&, std::vector<Detection>* out) const {
  if (text.empty()) return;
  // Vectorscan takes an unsigned int length: longer texts are scanned in
  // overlapping windows.
  constexpr std::size_t kWindow = 1u << 30;
  thread_local ScratchCache cache;
  hs_scratch_t* scratch = cache.For(db);
  if (scratch == nullptr) return;
  std::vector<Candidate> cands;
  for (std::size_t base = 0; base < text.size(); base += kWindow - 4096) {
    const std::size_t len = std::min(kWindow, text.size() - base);
    struct Ctx {
      std::vector<Candidate>* cands;
      std::size_t base;
    } c{&cands, base};
    hs_scan(
        db, text.data() + base, static_cast<unsigned>(len), 0, scratch,
        [](unsigned id, unsigned long long from, unsigned long long to, unsigned, void* p) -> int {
          auto* c = static_cast<Ctx*>(p);
          auto& v = *c->cands;
          const auto f = static_cast<std::uint32_t>(c->base + from), t = static_cast<std::uint32_t>(c->base + to);
          // Matches of one pattern from one start come in growing ends: keep the longest.
          for (std::size_t i = v.size(); i-- > 0 && i + 8 >= v.size();) {
            if (v[i].id == id && v[i].from == f) {
              v[i].to = std::max(v[i].to, t);
              return 0;
            }
          }
          if (v.size() < 1'000'000) v.push_back({static_cast<Pattern>(id), f, t});
          return 0;
        },
        &c);
    if (base + len >= text.size()) break;
  }
  // A start whose longest match contains another start's of the same pattern
  // (SOM reports leftmost starts, so this is rare) is kept once.
  std::sort(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
    return a.id != b.id ? a.id < b.id : a.from != b.from ? a.from < b.from : a.to > b.to;
  });
  std::uint32_t covered = 0;
  Pattern last = kPatternCount;
  const std::size_t first_out = out->size();
  for (const Candidate& c : cands) {
    if (c.id == last && c.from < covered) continue;
    last = c.id;
    covered = c.to;
    Validate(text, c, out);
  }
  // Several patterns may find the same identifier (a phone by two shapes):
  // one detection per category and span.
  std::sort(out->begin() + first_out, out->end(), [](const Detection& a, const Detection& b) {
    return a.start != b.start ? a.start < b.start : a.end != b.end ? a.end > b.end : a.category < b.category;
  });
  std::vector<Detection> merged;
  for (auto it = out->begin() + first_out; it != out->end(); ++it) {
    bool dup = false;
    for (const Detection& m : merged) {
      // Same category, overlapping: the earlier/longer stands.
      if (m.category == it->category && it->start < m.end && m.start < it->end) dup = true;
      const bool overlap = it->start < m.end && m.start < it->end;
      // Digits inside a card, IBAN or RIB also read as a phone: banking wins.
      if (overlap && it->category == Category::kIdPhone &&
          (m.category == Category::kBankingCard || m.category == Category::kBankingIban ||
           m.category == Category::kBankingRib)) {
        dup = true;
      }
      // Coordinates inside a geo: URI or a map link are that link.
      if (overlap && it->category == Category::kGeoCoordinates && m.category == Category::kGeoUri) dup = true;
    }
    if (!dup) merged.push_back(*it);
  }
  out->resize(first_out);
  out->insert(out->end(), merged.begin(), merged.end());
}

void PatternDetector::Impl::Validate(std::string_view text, const Candidate& c, std::vector<Detection>* out) const {
  std::uint32_t from = c.from, to = c.to;
  auto span = [&] { return text.substr(from, to - from); };
  auto emit = [&](Category cat) { out->push_back(Detection{cat, from, to}); };
  auto prev = [&](std::uint32_t i) -> char { return i == 0 ? ' ' : text[i - 1]; };
  auto next = [&](std::uint32_t i) -> char { return i >= text.size() ? ' ' : text[i]; };
  auto digit = [](char ch) { return ch >= '0' && ch <= '9'; };
  switch (c.id) {
    case kEmail: {
      // The local part starts after any character that cannot be in it.
      while (to > from && text[to - 1] == '.') --to;
      emit(Category::kIdEmail);
      break;
    }
    case kHandle: {
      const char p = prev(from);
      // "jean@example.fr" is an e-mail, "a@b" code; a handle follows a space or punctuation.
      if (IsWordByte(p) || p == '.' || p == '@' || p == '/' || p == '%' || p == '+' || p == '-' || p == '_') break;
      while (to > from + 1 && text[to - 1] == '.') --to;
      if (to - from < 2) break;
      // The rest of an e-mail address ("@example.fr"): a domain, not a handle.
      std::string_view name = text.substr(from + 1, to - from - 1);
      if (const std::size_t dot = name.rfind('.'); dot != std::string_view::npos) {
        static const char* const kTlds[] = {"com", "fr", "org", "net", "io", "co", "uk", "de", "eu", "info",
                                            "be", "ch", "ca", "es", "it", "us", "me", "app", "dev"};
        const std::string tld = AsciiLower(name.substr(dot + 1));
        bool domain = false;
        for (const char* t : kTlds) domain |= tld == t;
        if (domain) break;  // "@example.fr": a domain, not a handle
      }
      if (next(to) == '@') break;
      static const char* const kNotHandles[] = {
          "media", "import", "charset", "font-face", "keyframes", "supports", "page", "namespace", "layer",
          "container", "property", "override", "param", "return", "returns", "throws", "see", "since", "author",
          "deprecated", "version", "link", "inheritdoc", "interface", "implementation", "end", "property",
          "synthesize", "protocol", "selector", "include", "mixin", "extend", "each", "if", "else", "for",
          "function", "use", "forward", "tailwind", "apply", "here", "everyone", "all", "channel"};
      const std::string lname = AsciiLower(name);
      bool skip = false;
      for (const char* k : kNotHandles) skip |= lname == k;
      // CSS/Sass at-rules sit in code: '{' or '(' or ';' follows.
      if (skip) break;
      bool has_letter = false;
      for (char ch : name) has_letter |= (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_';
      if (!has_letter) break;  // "@2x", "@10h"
      emit(Category::kIdHandle);
      break;
    }
    case kProfile: {
      const std::string_view s = span();
      const std::size_t slash = s.find('/', s.find('.'));
      std::string name = AsciiLower(s.substr(slash + 1));
      if (!name.empty() && name.front() == '@') name.erase(0, 1);
      if (const std::size_t in = name.find("in/"); in == 0) name.erase(0, 3);
      static const char* const kNotProfiles[] = {
          "home", "share", "sharer", "sharer.php", "intent", "hashtag", "search", "login", "signup", "i", "explore",
          "watch", "results", "channel", "c", "user", "pages", "groups", "events", "about", "help", "settings",
          "privacy", "legal", "terms", "policies", "features", "marketplace", "p", "reel", "reels", "stories", "tv",
          "embed", "plugins", "dialog", "tr", "notifications", "messages", "compose", "status", "orgs", "topics",
          "trending", "feed", "jobs", "company", "school", "posts", "shorts", "playlist", "live", "gaming", "music",
          "premium", "ads", "business", "developers", "blog", "download", "tag", "discover", "video"};
      bool skip = name.empty();
      for (const char* k : kNotProfiles) skip |= name == k;
      if (skip) break;
      while (to > from && (text[to - 1] == '.' || text[to - 1] == '-')) --to;
      emit(Category::kIdHandle);
      break;
    }
    case kCard: {
      if (digit(prev(from)) || digit(next(to))) break;
      if (ValidCardNumber(span())) emit(Category::kBankingCard);
      break;
    }
    case kPhoneFr:
    case kPhoneIntl:
    case kPhoneNanp:
    case kPhoneUk: {
      const char p = prev(from);
      if (digit(p) || p == '.' || p == ',' || p == '/' || (p == '-' && digit(prev(from - 1)))) break;
      const char n = next(to);
      if (n == '.' && digit(next(to + 1))) break;
      if (n == '/' || (n == ',' && digit(next(to + 1)))) break;
      const std::string_view s = span();
      const int digits = CountDigits(s);
      if (digits < 9 || digits > 15) break;
      // A date ("12.05.2024 10.30"), a price or an ISBN is not written like a phone:
      // separators, when any, are one kind and the groups short.
      const char* region = c.id == kPhoneNanp ? "US" : c.id == kPhoneUk ? "GB" : "FR";
      if (ValidPhone(s, region)) emit(Category::kIdPhone);
      break;
    }
    case kIban: {
      if (ValidIban(span())) emit(Category::kBankingIban);
      break;
    }
    case kBic: {
      const std::string_view s = span();
      if (!ValidBicShape(s)) break;
      // Only in banking context: a keyword within 80 bytes before or 40 after.
      const std::string around = Before(text, from, 80) + " " + After(text, to, 40);
      if (HasCue(around, cues.banking)) emit(Category::kBankingBic);
      break;
    }
    case kRib: {
      std::string c2;
      for (char ch : span()) {
        if (ch != ' ') c2.push_back(ch);
      }
      if (c2.size() == 23 && ValidRib(c2.substr(0, 5), c2.substr(5, 5), c2.substr(10, 11), c2.substr(21, 2))) {
        emit(Category::kBankingRib);
      }
      break;
    }
    case kNir: {
      if (digit(prev(from)) || digit(next(to))) break;
      if (ValidNir(span())) emit(Category::kIdNir);
      break;
    }
    case kIpv4: {
      const char p = prev(from), n = next(to);
      // Part of a longer dotted number (an OID, "1.2.3.4.5") or a version ("v1.2.3.4").
      if (p == '.' || (n == '.' && digit(next(to + 1))) || digit(p) || digit(n)) break;
      if (p == 'v' || p == 'V') break;
      const std::string before = Before(text, from, 12);
      if (before.find("version") != std::string::npos || before.find("v.") != std::string::npos) break;
      if (ValidIpv4(span())) emit(Category::kIdIp);
      break;
    }
    case kIpv6: {
      const std::string_view s = span();
      int colons = 0;
      bool hex_letter = false;
      for (char ch : s) {
        colons += ch == ':';
        hex_letter |= (ch >= 'a' && ch <= 'f') || (ch >= 'A' && ch <= 'F');
      }
      // "12:30:45" (a time) is no address; require "::" or 7 colons, and a letter or "::".
      const bool compressed = s.find("::") != std::string_view::npos;
      if (colons < 2 || (!compressed && colons != 7) || (!compressed && !hex_letter)) break;
      if (s == "::" || IsWordByte(prev(from)) || IsWordByte(next(to))) break;
      if (ValidIpv6(s)) emit(Category::kIdIp);
      break;
    }
    case kCoordDecimal:
    case kCoordDms: {
      const char p = prev(from);
      if (digit(p) || p == '.' || p == ',') break;
      if (digit(next(to))) break;
      const std::string before = Before(text, from, 200);
      // "x = 0.125, y = 0.5", "(1.500, 2.250)": maths, not a place.
      const std::string near = Before(text, from, 8);
      if (near.find('=') != std::string::npos || (!near.empty() && near.back() == '(')) break;
      if (c.id == kCoordDecimal) {
        // Latitude within ±90, longitude within ±180.
        std::string s(span());
        for (char& ch : s) {
          if (ch == ',' ) ch = ' ';
        }
        double lat = 0, lon = 0;
        std::string_view v = span();
        // Parse the two numbers (decimal comma or point).
        std::vector<double> nums;
        std::string cur;
        for (std::size_t i = 0; i <= v.size(); ++i) {
          const char ch = i < v.size() ? v[i] : ' ';
          if (digit(ch) || (ch == '-' && cur.empty())) {
            cur.push_back(ch);
          } else if ((ch == '.' || ch == ',') && !cur.empty() && cur.find('.') == std::string::npos &&
                     i + 1 < v.size() && digit(v[i + 1])) {
            cur.push_back('.');
          } else if (!cur.empty()) {
            nums.push_back(std::strtod(cur.c_str(), nullptr));
            cur.clear();
          }
        }
        if (nums.size() != 2) break;
        lat = nums[0];
        lon = nums[1];
        if (lat < -90 || lat > 90 || lon < -180 || lon > 180) break;
      } else {
        // A DMS component must have a partner: latitude then longitude.
        const char hemi = text[to - 1];
        if (hemi != 'N' && hemi != 'S') break;
        const std::string_view rest = text.substr(to, 24);
        if (rest.find("°") == std::string_view::npos) break;
        // Extend over the longitude component.
        std::size_t end = to;
        for (std::size_t i = to; i < std::min(text.size(), static_cast<std::size_t>(to) + 40); ++i) {
          const char ch = text[i];
          if (ch == 'E' || ch == 'W' || ch == 'O') {
            end = i + 1;
            break;
          }
        }
        if (end == to) break;
        to = static_cast<std::uint32_t>(end);
      }
      while (to > from && (text[to - 1] == ' ' || text[to - 1] == '\t')) --to;
      // A landmark's published coordinates in reference text are not personal data.
      if (HasCue(before, cues.encyclopedic_geo) && !HasCue(before, cues.personal_geo)) break;
      emit(Category::kGeoCoordinates);
      break;
    }
    case kGeoUri: {
      emit(Category::kGeoUri);
      break;
    }
    case kMapLink: {
      // Only links that carry coordinates; extend back over "https://www.".
      const std::string_view s = span();
      if (!RE2::PartialMatch(s, *map_coords)) break;
      std::uint32_t f = from;
      while (f > 0 && !IsAsciiSpace(text[f - 1]) && text[f - 1] != '"' && text[f - 1] != '\'' && text[f - 1] != '(' &&
             text[f - 1] != '<' && from - f < 16) {
        --f;
      }
      from = f;
      while (to > from && (text[to - 1] == '.' || text[to - 1] == ',')) --to;
      emit(Category::kGeoUri);
      break;
    }
    case kAddressFr:
    case kAddressEn: {
      if (digit(prev(from)) || prev(from) == '.' || prev(from) == ',') break;
      // Trim the street name at a word that starts a new clause.
      std::string_view s = span();
      if (c.id == kAddressFr) {
        static const char* const kStops[] = {" et ", " à ", " le ", " la ", " pour ", " depuis ", " avant ", " après ",
                                             " en ", " dans ", " sur ", " entre ", " avec ", " mais ", " ou ", " près "};
        std::size_t cut = s.size();
        // The street name: skip its first word (after the street type).
        const std::size_t type_end = s.find(' ', s.find_first_of(" \t", s.find_first_not_of("0123456789 ,bisterquatABCDabcd")) + 1);
        for (const char* stop : kStops) {
          const std::size_t p = s.find(stop, type_end == std::string_view::npos ? 0 : type_end);
          if (p != std::string_view::npos) cut = std::min(cut, p);
        }
        to = from + static_cast<std::uint32_t>(cut);
        while (to > from && (text[to - 1] == ' ' || text[to - 1] == '.')) --to;
      }
      // Postcode and town after it.
      re2::StringPiece tail(text.data() + to, std::min<std::size_t>(80, text.size() - to));
      re2::StringPiece m;
      if (RE2::PartialMatch(tail, *postcode_tail, &m)) {
        to += static_cast<std::uint32_t>(m.size());
        while (to > from && (text[to - 1] == ' ' || text[to - 1] == '.')) --to;
      }
      const std::string before = Before(text, from, 200);
      const std::string around = before + " " + After(text, to, 120);
      // A person's address: introduced by a personal cue. A business's,
      // venue's or institution's is not personal data; with no cue at all we
      // do not guess (docs/detection.md).
      if (!HasCue(before, cues.personal_address)) break;
      if (HasCue(Before(text, from, 60), cues.business_address) && !HasCue(Before(text, from, 60), cues.personal_address)) break;
      emit(Category::kGeoAddress);
      break;
    }
    case kPatternCount:
      break;
  }
}

}  // namespace moisson::filters
