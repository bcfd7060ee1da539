// Pattern detectors: one Vectorscan pass finds the ends of every candidate
// shape at once; RE2 twins give exact spans on the matched regions only;
// exact validators and context rules run on those candidates.
//
// Engine choice, measured by bench/detect_bench (all 21 shapes of
// filters/pattern_set.h, 100 MB of generated FR/EN prose, one core, on the
// shared 2-core dev machine with a load average near 2.7, so absolute figures
// are low and noisy; the ratios held over several runs):
//                                       sparse ids   dense ids
//   Vectorscan, match ends only          175 MB/s    133 MB/s
//   Vectorscan + HS_FLAG_SOM_LEFTMOST     47 MB/s     39 MB/s
//   RE2::Set, then RE2 per hit shape      53 MB/s     46 MB/s
//   one RE2 per shape (naive baseline)    37 MB/s     20 MB/s
//   PatternDetector (all + validators)   127 MB/s     15 MB/s
// (on an idle run earlier: ends-only 226 MB/s, detector 104 -> 127 after the
// IPv6 shape change). Start-of-match tracking costs 3-4x, so the pass asks
// for ends only: ends of one shape that lie within its max_len are folded
// into a region, and the shape's RE2 twin (leftmost-longest, seeing the text
// around the window so \b is right) finds the exact spans in it. RE2::Set
// cannot say where a shape matched, so it needs a second full RE2 search per
// matched shape; it is 3x slower than the Vectorscan pass. On dense text the
// validators dominate (libphonenumber parsing, cue look-ups), not the scan.
//
// The pass is two databases since issue 14: the 21 shapes in one database
// ran at about 300 MB/s on real pages while each alone ran at 1.5-40 GB/s
// (the digit-led shapes together cost most). Shapes that need a digit
// (PatternDef::near_digits) are scanned only in windows around the digits,
// the others over the whole text; the addresses are scanned through their
// heads (PatternDef::scan) and the twin reads the rest. Same detections on
// 27,000 documents (real pages, the training and development sets, the
// corpora); patterns 11 -> 9 us per document in bench/filter_bench.
//
// Since issue 15 the shapes read over the whole text are scanned in the
// rule pass shared with the sensitive/minor lexicons (filters/rule_pass.h),
// over the folded view; the digit windows are still read in the text.
#include "filters/patterns.h"

#include <re2/re2.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <algorithm>
#include <cctype>
#include <array>
#include <cstring>
#include <fstream>
#include <optional>

#include "core/strings.h"
#include "filters/pattern_set.h"
#include "filters/scan_database.h"
#include "filters/validators.h"

#ifndef MOISSON_FILTERS_DATA_DIR
#define MOISSON_FILTERS_DATA_DIR "filters/data"
#endif

namespace moisson::filters {
namespace {

using namespace patterns;  // NOLINT: the shape table

struct Candidate {
  Pattern id;
  std::uint32_t from, to;
};

// The lists of filters/data/patterns/cues.txt.
struct Cues {
  std::vector<std::string> personal_address, address_person, address_field, business_address, personal_geo,
      encyclopedic_geo, banking;
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
      else if (t == "[address_person]") cur = &c.address_person;
      else if (t == "[address_field]") cur = &c.address_field;
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

// Does the address starting at `from` open a line under a line that reads as
// a name (a letter head, an envelope: "Mme Renée Colin\n4 rue de la Poste")?
bool UnderANameLine(std::string_view text, std::size_t from) {
  std::size_t line_start = from;
  while (line_start > 0 && (text[line_start - 1] == ' ' || text[line_start - 1] == '\t')) --line_start;
  if (line_start == 0 || text[line_start - 1] != '\n') return false;
  std::size_t end = line_start - 1;  // the newline ending the line above
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\r')) --end;
  std::size_t start = end;
  while (start > 0 && text[start - 1] != '\n') --start;
  std::string_view line = text.substr(start, end - start);
  // A flat or building line between the name and the street ("Apt 6D",
  // "Flat 2", "Bât. B, apt 12"): the name is the line above it.
  static const RE2 unit(R"((?i)^(?:apt\.?|apartment|flat|suite|unit|bât\.?|bat\.?|appt\.?|appartement|étage|etage|escalier)\s?[\w.,° ]{0,16}$)");
  if (start > 0 && RE2::FullMatch(re2::StringPiece(line.data(), line.size()), unit)) {
    end = start - 1;
    while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == '\r')) --end;
    start = end;
    while (start > 0 && text[start - 1] != '\n') --start;
    line = text.substr(start, end - start);
  }
  if (line.empty() || line.size() > 50) return false;
  int words = 0;
  bool in_word = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c >= '0' && c <= '9') return false;  // a street line, a date, a reference
    const bool space = c == ' ' || c == ',';
    if (!space && !in_word) {
      ++words;
      // Each word of a name starts with a capital (or is a title such as "M.").
      const bool capital = (c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) == 0xC3;
      if (!capital && c != '&' && line.substr(i, 3) != "de " && line.substr(i, 3) != "du " && line.substr(i, 3) != "le ") {
        return false;
      }
    }
    in_word = !space;
  }
  return words >= 2 && words <= 5;
}

// How far before the end of `lower` the nearest of `cues` ends (on word
// boundaries), or npos.
std::size_t NearestCue(std::string_view lower, const std::vector<std::string>& cues) {
  std::size_t best = std::string_view::npos;
  for (const std::string& cue : cues) {
    std::size_t pos = lower.rfind(cue);
    while (pos != std::string_view::npos) {
      const bool left = pos == 0 || !IsWordByte(lower[pos - 1]) || !IsWordByte(cue.front());
      const std::size_t end = pos + cue.size();
      const bool right = end >= lower.size() || !IsWordByte(lower[end]) || !IsWordByte(cue.back());
      if (left && right) {
        best = std::min(best, lower.size() - end);
        break;
      }
      if (pos == 0) break;
      pos = lower.rfind(cue, pos - 1);
    }
  }
  return best;
}

// Is the address candidate [from, to) a natural person's (docs/detection.md,
// "geo.address")? The nearest evidence before it decides: that someone lives
// there (within 200 bytes), a person named just before it (within 60 bytes: a
// relation, a title, a pronoun, a home), a form's or a parcel's address field
// (within 60), a letter head (a name on the line above) — against a business,
// a venue, an institution or a workplace (within 100). A business right after
// it ("…, 75002 Paris – séance de 20h15") also says no unless a person is
// named within 30 bytes before; a home said after it ("…, chez mes parents")
// says yes. With no evidence either way we do not guess.
bool PersonalAddress(std::string_view text, std::uint32_t from, std::uint32_t to, const Cues& cues) {
  constexpr std::size_t npos = std::string_view::npos;
  const std::string before = Before(text, from, 200);
  const std::string_view near = std::string_view(before).substr(before.size() > 60 ? before.size() - 60 : 0);
  std::size_t person = std::min(NearestCue(before, cues.personal_address), NearestCue(near, cues.address_person));
  if (UnderANameLine(text, from)) person = 0;
  // A field names whoever fills the form in, unless the form is a
  // business's ("Registered office address:", "Contact\nAdresse :"): a
  // field counts as nearer evidence only 30 bytes past a business cue.
  const std::size_t field = NearestCue(near, cues.address_field);
  const std::string_view window = std::string_view(before).substr(before.size() > 100 ? before.size() - 100 : 0);
  const std::size_t business = NearestCue(window, cues.business_address);
  if (field != npos && (business == npos || business > field + 30)) person = std::min(person, field);
  if (business != npos && (person == npos || business < person)) return false;
  if (HasCue(After(text, to, 40), cues.business_address) && (person == npos || person > 30)) return false;
  if (person != npos) return true;
  return HasCue(After(text, to, 80), cues.personal_address);
}

// True when the candidate starting at `from` continues an IBAN-shaped run
// ("FR76 3000 4111 1111 …": two capitals and two digits, then groups of
// capitals and digits), valid or not: its digits are an account's, not a
// card's.
bool InsideIbanShape(std::string_view text, std::size_t from) {
  auto alnum_upper = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); };
  auto head = [&](std::size_t j) {
    return text[j] >= 'A' && text[j] <= 'Z' && text[j + 1] >= 'A' && text[j + 1] <= 'Z' && text[j + 2] >= '0' &&
           text[j + 2] <= '9' && text[j + 3] >= '0' && text[j + 3] <= '9';
  };
  // The run of capitals, digits and spaces that the candidate ends; one of
  // its words must open with the head.
  std::size_t k = from;
  while (k > 0 && from - k < 40 && (alnum_upper(text[k - 1]) || text[k - 1] == ' ')) --k;
  // A run that starts inside a word ("abcDE12 …") has no head there.
  const bool cut_word = k > 0 && std::isalnum(static_cast<unsigned char>(text[k - 1]));
  for (std::size_t j = k; j + 4 <= from; ++j) {
    const bool word_start = j == k ? !cut_word : text[j - 1] == ' ';
    if (word_start && text[j] != ' ' && head(j)) return true;
  }
  return false;
}

int CountDigits(std::string_view s) {
  int n = 0;
  for (char c : s) n += c >= '0' && c <= '9';
  return n;
}

// Calls f(from, to) for each window of `text` that may hold a digit shape:
// from one byte before a run of ASCII digits to `reach` bytes after it,
// windows that overlap or touch joined, in order.
template <typename F>
void ForEachDigitWindow(std::string_view text, std::size_t reach, F&& f) {
  const std::size_t n = text.size();
  std::size_t open_from = 0, open_to = 0;
  bool open = false;
  auto digit_at = [&](std::size_t i) {
    const std::size_t from = i > 0 ? i - 1 : 0;
    std::size_t j = i;
    while (j < n && text[j] >= '0' && text[j] <= '9') ++j;
    const std::size_t to = std::min(n, j + reach);
    if (open && from <= open_to) {
      open_to = std::max(open_to, to);
    } else {
      if (open) f(open_from, open_to);
      open = true;
      open_from = from;
      open_to = to;
    }
    return j;
  };
  std::size_t i = 0;
#if defined(__SSE2__)
  // Sixteen bytes at a time: '0'..'9' as signed bytes after a bias of -128.
  while (i + 16 <= n) {
    if (open && i < open_to) {
      // Inside an open window: its digits only matter where they extend it.
      i = std::max(i, open_to > reach ? open_to - reach : 0);
    }
    if (i + 16 > n) break;
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(text.data() + i));
    const __m128i biased = _mm_sub_epi8(v, _mm_set1_epi8(static_cast<char>('0' + 128)));
    const unsigned mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmplt_epi8(biased, _mm_set1_epi8(static_cast<char>(-128 + 10)))));
    if (mask == 0) {
      i += 16;
      continue;
    }
    i = digit_at(i + static_cast<std::size_t>(__builtin_ctz(mask)));
  }
#endif
  while (i < n) {
    if (text[i] >= '0' && text[i] <= '9') i = digit_at(i);
    else ++i;
  }
  if (open) f(open_from, open_to);
}


}  // namespace

struct PatternDetector::Impl {
  // The first pass: shapes read over the whole text, in the rule pass (this
  // part of it, with ids of kPatterns; `pass` holds this part alone, for
  // Detect), and digit shapes read in windows around digits
  // (PatternDef::near_digits).
  ScanPart part;
  std::vector<Pattern> part_shape;  // part id -> shape
  std::optional<RulePass> pass;
  std::optional<ScanDatabase> digits;
  std::array<std::unique_ptr<RE2>, kPatternCount> twins;  // exact spans, one per shape
  Cues cues;
  std::unique_ptr<RE2> map_coords;    // coordinates inside a map link
  std::unique_ptr<RE2> postcode_tail;  // ", 75011 Paris" / ", London NW1 6XE" after a street
  std::unique_ptr<RE2> flat_before;    // "Flat 5, " before a street number
  std::unique_ptr<RE2> town_after;     // " à Saint-Émilion" after a French street
  void Detect(std::string_view text, const FoldedText& view, const std::vector<ScanHit>& hits,
              std::vector<Detection>* out) const;
  void Validate(std::string_view text, const Candidate& c, std::vector<Detection>* out) const;
  static void Merge(std::vector<Detection>* out, std::size_t first_out);
};

// A French town's name: capitalised words, joined by hyphens or spaces and
// by the small words of place names ("Aix en Provence", "Le Beausset",
// "L'Isle d'Abeau"); a small word counts only before another capitalised
// word, so "Paris depuis 2019" and "Paris en juin" end at "Paris".
constexpr std::string_view kFrenchTown =
    R"(\p{Lu}[\pL'\-]*(?:[ \-](?:(?:sur|sous|en|le|la|les|de|du|des|lès|aux?)[ \-])*(?:\p{Lu}[\pL'\-]*|[dl]'\p{Lu}[\pL\-]*)){0,4})";

Result<PatternDetector> PatternDetector::Create(const std::string& data_dir) {
  auto impl = std::make_shared<Impl>();
  std::vector<std::string> digit_exprs;
  std::vector<unsigned> digit_flags, digit_ids;
  for (const auto& p : kPatterns) {
    if (p.near_digits) {
      digit_exprs.emplace_back(p.scan ? p.scan : p.regex);
      digit_flags.push_back(p.flags);
      digit_ids.push_back(p.id);
      continue;
    }
    impl->part.expressions.emplace_back(p.scan ? p.scan : p.regex);
    impl->part.flags.push_back(p.flags);
    impl->part.merge_within.push_back(p.max_len);
    impl->part_shape.push_back(p.id);
  }
  int bad = -1;
  auto digits = ScanDatabase::Compile(digit_exprs, digit_flags, digit_ids, &bad);
  if (!digits.ok()) {
    return Status::Internal("pattern set does not compile: " + digits.status().message() + " (pattern " +
                            std::to_string(bad >= 0 ? static_cast<int>(digit_ids[static_cast<std::size_t>(bad)]) : -1) +
                            ")");
  }
  impl->digits.emplace(std::move(digits).value());
  auto pass = RulePass::Create(&impl->part, nullptr);
  if (!pass.ok()) return pass.status();
  impl->pass.emplace(std::move(pass).value());
  for (const auto& p : kPatterns) {
    RE2::Options o;
    o.set_longest_match(true);
    o.set_log_errors(false);
    o.set_case_sensitive((p.flags & kCi) == 0);
    // Byte semantics where Vectorscan has them (no UTF-8 flag).
    if ((p.flags & kU8) == 0) o.set_encoding(RE2::Options::EncodingLatin1);
    auto re = std::make_unique<RE2>(p.regex, o);
    if (!re->ok()) return Status::Internal("pattern " + std::to_string(p.id) + " is not valid RE2: " + re->error());
    impl->twins[p.id] = std::move(re);
  }
  const std::string dir = data_dir.empty() ? std::string(MOISSON_FILTERS_DATA_DIR) : data_dir;
  auto cues = LoadCues(dir + "/patterns/cues.txt");
  if (!cues.ok()) return cues.status();
  impl->cues = std::move(cues).value();
  impl->map_coords = std::make_unique<RE2>(R"((-?\d{1,2}\.\d{2,})\s*(?:,|%2C|~|/|&mlon=|&lon=)\s*(-?\d{1,3}\.\d{2,}))");
  // After a street: flats and floors, then a French postcode and town, or
  // localities and a UK postcode or a US state and ZIP code.
  impl->postcode_tail = std::make_unique<RE2>(
      R"(^((?:\s*[,\-–]?\s*(?i:(?:bât\.?|bat\.?|bâtiment|batiment|appartement|appt\.?|apt\.?|app\.?|apartment|unit|suite|ste\.?|flat|floor|escalier|esc\.?|porte)\s?[\w°\-]{1,6}|#\s?\w{1,6}|\d{1,2}(?:e|er|ème|eme|st|nd|rd|th)\s(?:étage|etage|gauche|droite|floor)(?:\s(?:gauche|droite))?|rez-de-chaussée|rez-de-chaussee|rdc|résidence\s(?:\pL+\s?){1,3}))*)"
      R"((?:\s*[,\-–]?\s*\d{5}\s+)" + std::string(kFrenchTown) + R"((?:\s+CEDEX(?:\s\d{1,2})?)?)"
      // A road's number ("County Road 12"), localities, then a US state and
      // ZIP code, a UK postcode, an Australian state and postcode, or an
      // Irish county and Eircode.
      R"(|(?:\s\d{1,4})?(?:,?\s*\p{Lu}[\pL'\-]*(?:\s\p{Lu}[\pL'\-]*){0,2}){1,3},?\s(?:[A-Z]{2}\s\d{5}(?:-\d{4})?|[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}|(?:NSW|VIC|QLD|WA|SA|TAS|ACT|NT)\s\d{4}|(?:Co\.\s\p{Lu}\pL+,?\s)?[A-Z]\d[0-9W]\s?[A-Z0-9]{4}))))");
  impl->town_after = std::make_unique<RE2>(
      R"(^(\s+à\s+)" + std::string(kFrenchTown) + ")");
  impl->flat_before = std::make_unique<RE2>(R"(((?i:flat|apt\.?|apartment|unit|suite)\s?\w{1,4},\s?|\d{1,2}/\d{1,2},\s?)$)");
  for (const RE2* re : {impl->map_coords.get(), impl->postcode_tail.get(), impl->flat_before.get(),
                        impl->town_after.get()}) {
    if (!re->ok()) return Status::Internal("an address or coordinate rule is not valid RE2: " + re->error());
  }
  return PatternDetector(std::move(impl));
}

void PatternDetector::Detect(std::string_view text, const DocumentContext&, std::vector<Detection>* out) const {
  thread_local FoldedText view;
  thread_local ScanHits hits;
  impl_->pass->Run(text, &view, &hits);
  impl_->Detect(text, view, hits.patterns, out);
}

const ScanPart& PatternDetector::scan_part() const { return impl_->part; }

void PatternDetector::DetectScanned(std::string_view text, const FoldedText& view, const std::vector<ScanHit>& hits,
                                    std::vector<Detection>* out) const {
  impl_->Detect(text, view, hits, out);
}

void PatternDetector::Impl::Detect(std::string_view text, const FoldedText& view, const std::vector<ScanHit>& hits,
                                   std::vector<Detection>* out) const {
  // Offsets are 32-bit (Detection); so is Vectorscan's length. The rule
  // pass cut longer texts (view.map.back() is what it read).
  text = text.substr(0, view.map.empty() ? 0 : view.map.back());
  if (text.empty()) return;

  // Pass 1 (Vectorscan, no start-of-match tracking): the ends of every
  // candidate of every shape. Ends of one shape that lie within its max_len
  // of each other fold into one region [first end, last end]. The shapes
  // read over the whole text come from the rule pass, as runs of ends in the
  // folded view (closer there than in the text, so regions may be wider:
  // the twins read them all the same).
  struct Region {
    std::uint32_t first, last;
  };
  struct Scan {
    std::array<Region, kPatternCount> open;
    std::array<bool, kPatternCount> is_open{};
    std::vector<std::pair<Pattern, Region>> regions;
    std::uint32_t base = 0;  // offset in `text` of the buffer being scanned
  } scan;
  scan.regions.reserve(hits.size());
  for (const ScanHit& h : hits) {
    scan.regions.emplace_back(part_shape[h.id], Region{view.map[h.first], view.map[h.last]});
  }
  const auto on_end = [](unsigned id, unsigned long long, unsigned long long to, unsigned, void* p) -> int {
    auto* sc = static_cast<Scan*>(p);
    const auto end = static_cast<std::uint32_t>(sc->base + to);
    Region& r = sc->open[id];
    if (sc->is_open[id] && end <= r.last + kPatterns[id].max_len) {
      r.first = std::min(r.first, end);
      r.last = std::max(r.last, end);
      return 0;
    }
    if (sc->is_open[id]) sc->regions.emplace_back(static_cast<Pattern>(id), r);
    sc->is_open[id] = true;
    r = Region{end, end};
    // A pathological input (megabytes of "::::") cannot grow this without bound.
    return sc->regions.size() > 4'000'000 ? 1 : 0;
  };
  // The digit shapes, in windows from one byte before a run of digits to
  // kDigitReach past it (overlapping windows joined): on prose, a fraction
  // of the text. Each shape's ends still arrive in order (the windows are).
  bool stopped = false;
  ForEachDigitWindow(text, kDigitReach, [&](std::size_t from, std::size_t to) {
    if (stopped) return;
    scan.base = static_cast<std::uint32_t>(from);
    stopped = !digits->Scan(text.data() + from, to - from, on_end, &scan);
  });
  for (unsigned id = 0; id < kPatternCount; ++id) {
    if (scan.is_open[id]) scan.regions.emplace_back(static_cast<Pattern>(id), scan.open[id]);
  }
  // Pass 2, on regions only: the RE2 twin of the shape, leftmost-longest,
  // gives exact non-overlapping spans. The window starts max_len before the
  // region's first end (no match ending there can start earlier) and RE2
  // sees the text around it, so \b at the window's edges is right.
  std::sort(scan.regions.begin(), scan.regions.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first < b.first : a.second.first < b.second.first;
  });
  const std::size_t first_out = out->size();
  std::array<std::uint32_t, kPatternCount> covered{};
  for (const auto& [pid, r] : scan.regions) {
    const RE2& re = *twins[pid];
    std::size_t pos = r.first > kPatterns[pid].max_len ? r.first - kPatterns[pid].max_len : 0;
    pos = std::max<std::size_t>(pos, covered[pid]);
    re2::StringPiece m;
    // A shape scanned through its head (PatternDef::scan) ends up to `reach`
    // bytes past the reported end.
    const std::size_t limit = std::min<std::size_t>(text.size(), std::size_t{r.last} + kPatterns[pid].reach);
    while (pos < r.last && re.Match(text, pos, limit, RE2::UNANCHORED, &m, 1)) {
      const auto f = static_cast<std::uint32_t>(m.data() - text.data());
      const auto t = static_cast<std::uint32_t>(f + m.size());
      if (t == f) break;
      Validate(text, Candidate{pid, f, t}, out);
      pos = t;
    }
    covered[pid] = static_cast<std::uint32_t>(std::max<std::size_t>(pos, covered[pid]));
  }
  Merge(out, first_out);
}

// Several shapes may find the same identifier (a phone by two shapes), and
// some identifiers hold others: one detection per category and span, and
// the outer one wins where SPEC §3 says so.
void PatternDetector::Impl::Merge(std::vector<Detection>* out, std::size_t first_out) {
  std::sort(out->begin() + first_out, out->end(), [](const Detection& a, const Detection& b) {
    return a.start != b.start ? a.start < b.start : a.end != b.end ? a.end > b.end : a.category < b.category;
  });
  std::vector<Detection> merged;
  // Kept detections that may still overlap what follows (sorted by start, so
  // only those ending after the current start matter): a small active set.
  std::vector<std::size_t> active;
  for (auto it = out->begin() + first_out; it != out->end(); ++it) {
    std::erase_if(active, [&](std::size_t i) { return merged[i].end <= it->start; });
    bool dup = false;
    for (std::size_t i : active) {
      const Detection& m = merged[i];
      // Same category, overlapping: the earlier/longer stands.
      if (m.category == it->category) dup = true;
      // Digits inside a card, IBAN or RIB also read as a phone (or a NIR): banking wins.
      if ((it->category == Category::kIdPhone || it->category == Category::kIdNir) &&
          (m.category == Category::kBankingCard || m.category == Category::kBankingIban ||
           m.category == Category::kBankingRib)) {
        dup = true;
      }
      // A card number inside an IBAN or a RIB is that account's digits, not a card.
      if (it->category == Category::kBankingCard &&
          (m.category == Category::kBankingIban || m.category == Category::kBankingRib) && it->end <= m.end) {
        dup = true;
      }
      // Coordinates inside a geo: URI or a map link are that link.
      if (it->category == Category::kGeoCoordinates && m.category == Category::kGeoUri) dup = true;
      // A handle inside an e-mail or a map link is part of it.
      if (it->category == Category::kIdHandle && (m.category == Category::kIdEmail || m.category == Category::kGeoUri)) {
        dup = true;
      }
    }
    if (!dup) {
      merged.push_back(*it);
      active.push_back(merged.size() - 1);
    }
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
      // "@angular/core" (a package scope), "@user@host" (Mastodon: the first
      // part is kept by the e-mail shape or stands alone).
      if (next(to) == '@' || next(to) == '/') break;
      // A decorator or annotation alone at the start of a line
      // ("    @Override\n", "@dataclass(frozen=True)") is code, not a handle.
      {
        std::size_t i = from;
        while (i > 0 && (text[i - 1] == ' ' || text[i - 1] == '\t')) --i;
        if ((i == 0 || text[i - 1] == '\n') && (next(to) == '\n' || next(to) == '(' || next(to) == '\r')) break;
      }
      static const char* const kNotHandles[] = {
          "media", "import", "charset", "font-face", "keyframes", "supports", "page", "namespace", "layer",
          "container", "property", "override", "param", "return", "returns", "throws", "see", "since", "author",
          "deprecated", "version", "link", "inheritdoc", "interface", "implementation", "end", "property",
          "synthesize", "protocol", "selector", "include", "mixin", "extend", "each", "if", "else", "for",
          "function", "use", "forward", "tailwind", "apply", "here", "everyone", "all", "channel", "staticmethod",
          "classmethod", "dataclass", "abstractmethod", "override", "deprecated", "suppresswarnings", "test", "click",
          "nonnull", "nullable", "csrf_token", "endif", "endforeach", "foreach", "section", "yield", "extends"};
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
          "premium", "ads", "business", "developers", "blog", "download", "tag", "discover", "video",
          // Link shims, redirects and account pages: no person behind them
          // ("facebook.com/l.php?u=", "l.facebook.com/l/", "youtube.com/redirect").
          "l", "redirect", "accounts", "direct", "photo", "photos", "media", "recover", "reg", "ajax", "flx",
          "sharing", "sharearticle", "oauth", "authorize", "apps", "new", "pulls", "issues", "pricing", "contact",
          "security", "enterprise", "site", "collections", "readme", "codespaces", "widgets", "web", "hashtags"};
      bool skip = name.empty();
      for (const char* k : kNotProfiles) skip |= name == k;
      // A script or page ("l.php", "sharer.php", "story.php", "widgets.js",
      // "index.html") is a path, not a user name; Facebook's "profile.php"
      // (an id follows) is the exception.
      if (const std::size_t dot = name.rfind('.'); dot != std::string::npos && name != "profile.php") {
        static const char* const kPageExtensions[] = {"php", "html", "htm", "asp", "aspx", "jsp", "cgi", "js"};
        const std::string_view ext = std::string_view(name).substr(dot + 1);
        for (const char* e : kPageExtensions) skip |= ext == e;
      }
      if (skip) break;
      while (to > from && (text[to - 1] == '.' || text[to - 1] == '-')) --to;
      emit(Category::kIdHandle);
      break;
    }
    case kCard: {
      if (digit(prev(from)) || digit(next(to))) break;
      // The decimals of a number ("0.4111111111111111") are no card.
      if ((prev(from) == '.' || prev(from) == ',') && from > 1 && digit(prev(from - 1))) break;
      if ((next(to) == '.' || next(to) == ',') && digit(next(to + 1))) break;
      // Pagination and other number runs ("2248 2249 2250 2251 2252").
      if (InArithmeticRun(text, from, to)) break;
      // Inside an IBAN, even one whose check digits are wrong.
      if (InsideIbanShape(text, from)) break;
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
      if (InArithmeticRun(text, from, to)) break;  // "01 02 03 04 05 06": slide numbers
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
        if (ch != ' ' && ch != '-') c2.push_back(ch);
      }
      if (InArithmeticRun(text, from, to)) break;
      if (c2.size() == 23 && ValidRib(c2.substr(0, 5), c2.substr(5, 5), c2.substr(10, 11), c2.substr(21, 2))) {
        emit(Category::kBankingRib);
      }
      break;
    }
    case kNir: {
      if (digit(prev(from)) || digit(next(to))) break;
      if (InArithmeticRun(text, from, to)) break;  // "12248 12249 12250": page numbers
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
      // "a::b" (C++ scope, Haskell) is a valid but implausible address: a
      // compressed one needs three groups or a group of three hex digits or more.
      if (compressed) {
        int groups = 0, longest = 0, run = 0;
        for (char ch : s) {
          run = ch == ':' ? 0 : run + 1;
          groups += run == 1;
          longest = std::max(longest, run);
        }
        if (groups < 3 && longest < 3) break;
      }
      if (ValidIpv6(s)) emit(Category::kIdIp);
      break;
    }
    case kCoordDecimal:
    case kCoordLabelled:
    case kCoordDms: {
      const bool labelled = c.id == kCoordLabelled;
      // The span is the numbers; "lat:" is a cue, not part of the identifier.
      while (labelled && from < to && !digit(text[from]) && text[from] != '-') ++from;
      const char p = prev(from);
      if (!labelled && (digit(p) || p == '.' || p == ',' || p == '-')) break;
      if (digit(next(to)) || (next(to) == '.' && digit(next(to + 1)))) break;
      // Two values of a longer series ("0.125,0.250,0.375" in a data table) are no place.
      if (!labelled && c.id != kCoordDms) {
        std::uint32_t k = to;
        while (k < text.size() && text[k] == ' ') ++k;
        if (k < text.size() && (text[k] == ',' || text[k] == ';')) {
          ++k;
          while (k < text.size() && text[k] == ' ') ++k;
          if (k < text.size() && (digit(text[k]) || (text[k] == '-' && digit(next(k + 1))))) break;
        }
        std::uint32_t j = from;
        while (j > 0 && text[j - 1] == ' ') --j;
        if (j > 1 && (text[j - 1] == ',' || text[j - 1] == ';')) {
          std::uint32_t q = j - 1;
          while (q > 0 && text[q - 1] == ' ') --q;
          if (q > 0 && digit(text[q - 1])) break;
        }
      }
      const std::string before = Before(text, from, 200);
      // "x = 0.125, y = 0.5", "(1.500, 2.250)": maths, not a place.
      const std::string near = Before(text, from, 8);
      if (!labelled && (near.find('=') != std::string::npos || (!near.empty() && near.back() == '('))) break;
      if (c.id != kCoordDms) {
        // Latitude within ±90, longitude within ±180.
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
      // Trim the street name at a word that starts a new clause ("28 rue
      // Molière avec mon papa"); "de la", "du", "des" are part of a name.
      if (c.id == kAddressFr) {
        static const std::string_view kStops[] = {"et", "à", "pour", "depuis", "avant", "après", "en", "dans", "sur",
                                                  "entre", "avec", "mais", "ou", "près", "a", "qui", "est", "sont",
                                                  "ont", "le", "la", "les", "au", "aux", "chez", "on", "il", "elle",
                                                  "je", "j'ai", "nous", "vous", "c'est", ":", "?", "!", "-", "–"};
        const std::string_view s = span();
        // Words: the number (and bis/ter), the street type, then the name.
        std::size_t p = 0, word = 0;
        std::string_view previous;
        std::size_t cut = s.size();
        while (p < s.size()) {
          while (p < s.size() && s[p] == ' ') ++p;
          std::size_t q = p;
          while (q < s.size() && s[q] != ' ') ++q;
          if (q == p) break;
          const std::string w = AsciiLower(s.substr(p, q - p));
          const bool name_article = (w == "la" || w == "le" || w == "les") && (previous == "de" || previous == "De");
          // The street type is at least the second word: stops only after it,
          // and after one word of the name.
          if (word >= 3 && !name_article &&
              std::find(std::begin(kStops), std::end(kStops), std::string_view(w)) != std::end(kStops)) {
            cut = p;
            break;
          }
          previous = s.substr(p, q - p);
          ++word;
          p = q;
        }
        to = from + static_cast<std::uint32_t>(cut);
        while (to > from && (text[to - 1] == ' ' || text[to - 1] == '.')) --to;
        // "… chemin des Vignes à Saint-Émilion": the town, when a capital
        // follows "à" (the address ends there, or a postcode follows).
        re2::StringPiece after(text.data() + to, std::min<std::size_t>(80, text.size() - to));
        re2::StringPiece town;
        if (RE2::PartialMatch(after, *town_after, &town)) to += static_cast<std::uint32_t>(town.size());
      }
      // A flat before the number on the same line ("Flat 5, 27 Marlborough
      // Road", "Apt 2, 312 Elm Street").
      {
        re2::StringPiece before_number(text.data() + (from > 24 ? from - 24 : 0), from > 24 ? 24 : from);
        re2::StringPiece flat;
        if (RE2::PartialMatch(before_number, *flat_before, &flat)) from -= static_cast<std::uint32_t>(flat.size());
      }
      // Flat or floor, postcode and town after it.
      re2::StringPiece tail(text.data() + to, std::min<std::size_t>(120, text.size() - to));
      re2::StringPiece m;
      if (RE2::PartialMatch(tail, *postcode_tail, &m)) {
        to += static_cast<std::uint32_t>(m.size());
        while (to > from && (text[to - 1] == ' ' || text[to - 1] == '.')) --to;
      }
      // A business's, venue's or institution's address is not personal
      // data; with nothing that says a person lives there we do not guess.
      if (!PersonalAddress(text, from, to, cues)) break;
      emit(Category::kGeoAddress);
      break;
    }
    case kPatternCount:
      break;
  }
}

}  // namespace moisson::filters
