// sensitive.* and minor: disclosures about a person (filters/personal.h).
//
// How it runs: the text is folded once (filters/fold.h: Latin accents
// removed, typographic apostrophes made ASCII) with a map back to original
// offsets; one Vectorscan pass over the folded text finds every lexicon term
// and every minor trigger — the rule pass, shared with the pattern shapes
// (filters/rule_pass.h); only the sentences around those hits are analysed,
// in the lower-case view, with the
// token rules of filters/data/personal/rules.txt (sensitive.*) and a few
// regular expressions (minor). Generic text has no hit or no anchor, and costs
// one scan.
#include "filters/personal.h"

#include <re2/re2.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <span>

#include "core/strings.h"

#ifndef MOISSON_FILTERS_DATA_DIR
#define MOISSON_FILTERS_DATA_DIR "filters/data"
#endif

namespace moisson::filters {
namespace {


bool IsWordChar(char c) {
  const unsigned char u = static_cast<unsigned char>(c);
  return (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u >= 0x80 || c == '\'' || c == '-';
}

// French elided words: "d'alzheimer" is the two tokens "d'" "alzheimer",
// "j'ai" is "j'" "ai" (rules are tokenised alike, so they may write "j'ai").
bool Elided(std::string_view w) {
  return w == "j'" || w == "d'" || w == "l'" || w == "m'" || w == "n'" || w == "s'" || w == "t'" || w == "c'" ||
         w == "qu'" || w == "jusqu'" || w == "lorsqu'" || w == "puisqu'" || w == "quoiqu'";
}

// Tokens of folded text: words with their inner apostrophes and hyphens,
// French elisions split off.
std::vector<std::string_view> Tokens(std::string_view s) {
  std::vector<std::string_view> t;
  std::size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && !IsWordChar(s[i])) ++i;
    std::size_t j = i;
    while (j < s.size() && IsWordChar(s[j])) ++j;
    if (j > i) {
      std::string_view w = s.substr(i, j - i);
      while (!w.empty() && w.back() == '-') w.remove_suffix(1);
      while (!w.empty() && (w.front() == '-' || w.front() == '\'')) w.remove_prefix(1);
      const std::size_t ap = w.find('\'');
      if (ap != std::string_view::npos && ap + 1 < w.size() && Elided(w.substr(0, ap + 1))) {
        t.push_back(w.substr(0, ap + 1));
        w.remove_prefix(ap + 1);
      }
      if (!w.empty()) t.push_back(w);
    }
    i = j;
  }
  return t;
}

// ---- data files -------------------------------------------------------------------

// A phrase of rules.txt and the categories it may anchor (bit i = Category i).
struct Phrase {
  std::vector<std::string> tokens;
  std::uint32_t categories = ~0u;
  bool Admits(Category c) const { return (categories >> static_cast<unsigned>(c)) & 1u; }
};

struct Term {
  Category category;
  std::string lang;
  std::string folded;  // as written in the lexicon, folded
  bool prefix = false;
  bool self_anchored = false;  // starts with je/my/mon/ma/mes...
};

struct Rules {
  std::map<std::string, std::vector<Phrase>> lists;  // "subject" -> phrases (all languages)
  bool Has(const std::string& list, std::string_view token) const {
    auto it = lists.find(list);
    if (it == lists.end()) return false;
    for (const Phrase& p : it->second) {
      if (p.tokens.size() == 1 && p.tokens[0] == token) return true;
    }
    return false;
  }
  const std::vector<Phrase>& List(const std::string& list) const {
    static const std::vector<Phrase> kNone;
    auto it = lists.find(list);
    return it == lists.end() ? kNone : it->second;
  }
};

// Sections of a data file: "[a b]" then lines. Strict: errors name FILE:LINE.
Status ReadSections(const std::string& path,
                    const std::function<Status(const std::vector<std::string>& section, std::string_view line, int n)>& f) {
  std::ifstream in(path);
  if (!in) return Status::NotFound(path + ": cannot open");
  std::string line;
  std::vector<std::string> section;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    std::string_view t = TrimAsciiSpace(line);
    if (t.empty() || t.front() == '#') continue;
    if (t.front() == '[') {
      if (t.back() != ']') return Status::AtLine(path, n, "a section header must end with ']'");
      section.clear();
      std::string_view in2 = t.substr(1, t.size() - 2);
      while (!in2.empty()) {
        const std::size_t b = in2.find_first_not_of(" \t");
        if (b == std::string_view::npos) break;
        const std::size_t e = std::min(in2.find_first_of(" \t", b), in2.size());
        section.emplace_back(in2.substr(b, e - b));
        in2.remove_prefix(e);
      }
      if (section.size() < 2) return Status::AtLine(path, n, "a section header is [name lang ...]");
      continue;
    }
    if (section.empty()) return Status::AtLine(path, n, "an entry before any [section]");
    if (Status st = f(section, t, n); !st.ok()) return st;
  }
  return Status::Ok();
}

bool FirstPersonWord(std::string_view w) {
  return w == "je" || w == "j'ai" || w == "j'" || w == "my" || w == "mon" || w == "ma" || w == "mes" || w == "i" ||
         w == "i'm" || w == "we" || w == "nous" || w == "on";
}


// Escapes a folded phrase for Vectorscan.
std::string Literal(std::string_view s) {
  std::string out;
  for (char c : s) {
    const unsigned char u = static_cast<unsigned char>(c);
    if ((u >= 'a' && u <= 'z') || (u >= '0' && u <= '9')) {
      out.push_back(c);
    } else if (c == ' ') {
      out += "\\x20";
    } else {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", u);
      out += buf;
    }
  }
  return out;
}

// Minor triggers (ids after the lexicon terms) and their sentence-level rules.
// A trigger only says which sentences to judge (Minor()). Whole words are
// literals (kMinorWords, the fast path of the pass, word boundaries checked
// on each hit); the rest are expressions.
const char* const kMinorTriggers[] = {
    R"(\d{1,2}\s*(?:ans|an|yo|y/o|years?|yrs?)\b)",
    R"(\d{1,2}[- ]years?[- ]old)",
    R"(\b(?:i'm|i am|im|i'll be|i turned|i turn)\s+(?:only\s+|just\s+|almost\s+|nearly\s+|turning\s+)?\d{1,2}\b)",
    R"(\b(?:year\s+(?:[7-9]|1[01])|under\s+18|moins\s+de\s+18)\b)",
    R"(\b(?:ne|nee|born)\s+(?:en|in)\s+(?:19|20)\d\d\b)",
    R"(\b(?:son|daughter|kid|child|boy|girl|brother|sister|nephew|niece|grandson|granddaughter|student)\s*(?:,|\(|is|aged)?\s*\d{1,2}\b)",
    R"(\b(?:turned|turns|turning|turn|will be)\s+\d{1,2}\b)",
    R"(\b\d{1,2}(?:st|nd|rd|th)\s+birthday\b)",
    R"(\b\d{1,2}\s+bougies\b)",
    // ",\s*(?:aged\s+)?\d{1,2}\s*[,.;)]" in three: the same ends, but a
    // match that may start at any comma cost the rule pass a third of its
    // time when written as one.
    R"(,\d{1,2}\s*[,.;)])",
    R"(,\s+(?:aged\s+)?\d{1,2}\s*[,.;)])",
    R"(,aged\s+\d{1,2}\s*[,.;)])",
};

const char* const kMinorWords[] = {
    "grade",     "college",   "lycee",      "collegien",   "collegienne",  "lyceen",      "lyceenne",
    "primaire",  "maternelle", "cp",        "cm1",         "cm2",          "ce1",         "ce2",
    "6e",        "5e",        "4e",         "3e",          "6eme",         "5eme",        "4eme",
    "3eme",      "sixieme",   "cinquieme",  "quatrieme",   "troisieme",    "seconde",     "2nde",
    "terminale", "premiere",  "1ere",       "freshman",    "sophomore",    "junior high", "middle school",
    "high school", "mineur",  "mineure",    "minor",       "underage",     "kindergarten", "elementary school",
    "primary school",
};

struct MinorRule {
  std::unique_ptr<RE2> re;
  enum Kind { kAge, kGrade, kBirthYear, kMinorWord } kind;
};

}  // namespace

struct PersonalDetector::Impl {
  // This detector's part of the rule pass: the terms (id = index), then the
  // minor triggers from minor_base, then the minor words from words_base.
  // `pass` holds this part alone, for Detect().
  ScanPart part;
  std::optional<RulePass> pass;
  std::vector<Term> terms;
  unsigned minor_base = 0;
  unsigned words_base = 0;
  Rules rules;
  std::vector<MinorRule> minor_rules;
  std::unique_ptr<RE2> age_unit;  // words after "i'm 15" that make it no age
  std::unique_ptr<RE2> age_not;   // "15 ans d'experience", "15 years ago"
  void Detect(std::string_view text, const FoldedText& view, const std::vector<ScanHit>& hits,
              const DocumentContext& ctx, std::vector<Detection>* out) const;
  // `caps[k]`: token k of the sentence starts with a capital in the original text.
  bool Disclosure(std::string_view folded_sentence, std::size_t term_at, std::size_t term_end, const Term& term,
                  std::string_view original_sentence, const std::vector<bool>& caps) const;
  bool Minor(std::string_view folded_sentence, const DocumentContext& ctx) const;
  bool PhraseEndsAt(const std::string& list, const std::vector<std::string_view>& toks, std::size_t end,
                    Category category, std::size_t* start) const;
};


Result<PersonalDetector> PersonalDetector::Load(const std::string& data_dir) {
  const std::string dir = data_dir.empty() ? std::string(MOISSON_FILTERS_DATA_DIR) : data_dir;
  auto impl = std::make_shared<Impl>();
  const std::string lexicon = dir + "/personal/lexicon.txt";
  Status st = ReadSections(lexicon, [&](const std::vector<std::string>& sec, std::string_view line, int n) -> Status {
    if (sec.size() != 2) return Status::AtLine(lexicon, n, "a lexicon section header is [category lang]");
    const auto cat = ParseCategory(sec[0]);
    if (!cat || !IsSensitive(*cat)) return Status::AtLine(lexicon, n, "unknown category '" + ClipForMessage(sec[0]) + "'");
    if (sec[1] != "fr" && sec[1] != "en") return Status::AtLine(lexicon, n, "language must be fr or en");
    Term t;
    t.category = *cat;
    t.lang = sec[1];
    std::string_view w = line;
    if (w.back() == '*') {
      t.prefix = true;
      w.remove_suffix(1);
    }
    t.folded = FoldLower(w);
    if (Tokens(t.folded).empty()) return Status::AtLine(lexicon, n, "an empty term");
    t.self_anchored = FirstPersonWord(Tokens(t.folded).front());
    impl->terms.push_back(std::move(t));
    return Status::Ok();
  });
  if (!st.ok()) return st;
  const std::string rules = dir + "/personal/rules.txt";
  static const std::set<std::string> kLists = {"subject",  "bare",     "third",        "relation", "possessive",
                                               "negation", "breaker",  "hypothetical", "question", "zodiac",
                                               "idiom",    "title",    "notname"};
  static const std::set<std::string> kAnchors = {"subject", "bare", "third", "relation", "possessive"};
  st = ReadSections(rules, [&](const std::vector<std::string>& sec, std::string_view line, int n) -> Status {
    if (!kLists.count(sec[0])) return Status::AtLine(rules, n, "unknown list '" + ClipForMessage(sec[0]) + "'");
    if (sec[1] != "fr" && sec[1] != "en" && sec[1] != "any") return Status::AtLine(rules, n, "language must be fr, en or any");
    Phrase p;
    if (sec.size() > 2) {
      // "[subject en health sex_life]": the anchor admits only these categories.
      if (!kAnchors.count(sec[0])) return Status::AtLine(rules, n, "only anchor lists take categories");
      p.categories = 0;
      for (std::size_t k = 2; k < sec.size(); ++k) {
        const auto c = ParseCategory("sensitive." + sec[k]);
        if (!c) return Status::AtLine(rules, n, "unknown category '" + ClipForMessage(sec[k]) + "'");
        p.categories |= 1u << static_cast<unsigned>(*c);
      }
    }
    const std::string folded = FoldLower(line);
    for (std::string_view t : Tokens(folded)) p.tokens.emplace_back(t);
    if (p.tokens.empty()) return Status::AtLine(rules, n, "an empty phrase");
    impl->rules.lists[sec[0]].push_back(std::move(p));
    return Status::Ok();
  });
  if (!st.ok()) return st;

  // This detector's part of the rule pass: every term (id = index), then
  // the minor triggers, then the minor words. All are matched without case
  // on the pass's case-kept view (the folded terms are lower case).
  constexpr unsigned kCaseless = 1;  // HS_FLAG_CASELESS
  for (const Term& t : impl->terms) {
    // Pure literals (FDR's fast path, no start-of-match tracking); word
    // boundaries and prefix endings are checked on each hit (Detect).
    impl->part.expressions.push_back(Literal(t.folded));
    impl->part.flags.push_back(kCaseless);
  }
  impl->minor_base = static_cast<unsigned>(impl->part.expressions.size());
  for (const char* trigger : kMinorTriggers) {
    impl->part.expressions.emplace_back(trigger);
    impl->part.flags.push_back(kCaseless);  // every occurrence: each sentence is judged on its own
  }
  impl->words_base = static_cast<unsigned>(impl->part.expressions.size());
  for (const char* word : kMinorWords) {
    impl->part.expressions.push_back(Literal(word));
    impl->part.flags.push_back(kCaseless);
  }
  auto pass = RulePass::Create(nullptr, &impl->part);
  if (!pass.ok()) return Status::Internal("lexicon does not compile (" + lexicon + "): " + pass.status().message());
  impl->pass.emplace(std::move(pass).value());

  // Minor rules, on folded sentences.
  auto rule = [&](const char* re, MinorRule::Kind k) {
    impl->minor_rules.push_back({std::make_unique<RE2>(re), k});
  };
  const char* kRel =
      R"((?:ma|mon|notre|nos|mes)\s+(?:petite?s?\s+|grande?s?\s+|jeunes?\s+|cadette?\s+|ainee?\s+|deux\s+|trois\s+)?(?:fille|fils|filles|enfant|enfants|bebe|bebes|ado|ados|frere|freres|soeur|soeurs|neveu|neveux|niece|nieces|petit-fils|petite-fille|petits-enfants|eleve|eleves|cousin|cousine|demi-frere|demi-soeur|belle-fille|beau-fils|fillette|garcon|garcons|jumeaux|jumelles|jumeau|jumelle|petit|petite|petits|petites|aine|ainee|cadet|cadette|benjamin|benjamine|loulou|puce))";
  const char* kRelEn =
      R"((?:my|our)\s+(?:little\s+|baby\s+|younger\s+|older\s+|big\s+|eldest\s+|youngest\s+|two\s+|three\s+)?(?:son|sons|daughter|daughters|kid|kids|child|children|boy|boys|girl|girls|brother|brothers|sister|sisters|nephew|nephews|niece|nieces|grandson|grandsons|granddaughter|granddaughters|stepson|stepdaughter|student|students|cousin|twins|twin|eldest|youngest|oldest|little one|teen|teenager|toddler))";
  // A name after the relation: "ma niece lea, 16 ans", "my niece lea, 16".
  const char* kName = R"(\s+[a-z][a-z'-]{1,20})";
  rule(R"(\b(?:j'ai|j ai|jai)\s+(?:bientot\s+|presque\s+|seulement\s+|que\s+|deja\s+)?(\d{1,2})\s*ans\b)", MinorRule::kAge);
  rule(R"(\b(?:i'm|i am|im)\s+(?:only\s+|just\s+|almost\s+|nearly\s+|turning\s+)?(\d{1,2})\b)", MinorRule::kAge);
  rule(R"(\b(?:i'm|i am|im)\s+an?\s+(\d{1,2})[- ](?:years?|yrs?)[- ]old\b)", MinorRule::kAge);
  rule(R"(\b(?:i'll be|i turned|i just turned|i turn)\s+(\d{1,2})\b)", MinorRule::kAge);
  rule((std::string("\\b") + kRel + R"(\s*(?:,|\(|de|qui a|a|agee?\s+de|est\s+agee?\s+de)?\s*(\d{1,2})\s*ans\b)").c_str(),
       MinorRule::kAge);
  rule((std::string("\\b") + kRelEn + R"(\s*(?:,|\(|who is|is|is only|aged|,\s*aged|who's)?\s*(\d{1,2})\b)").c_str(),
       MinorRule::kAge);
  rule(R"(\b(?:my|our|a|an|the)\s+(\d{1,2})[- ](?:years?|yrs?)[- ]old\s+(?:son|daughter|boy|girl|kid|child|brother|sister|student|teen|teenager|nephew|niece|grandson|granddaughter)\b)",
       MinorRule::kAge);
  // Issue 14 §3, the long tail: apposition with a name, ages as nouns,
  // "just turned", birthdays, school years of a relation.
  rule((std::string("\\b") + kRel + kName + R"(\s*,\s*(\d{1,2})\s*ans\b)").c_str(), MinorRule::kAge);
  rule((std::string("\\b") + kRelEn + kName + R"(\s*,\s*(?:aged\s+)?(\d{1,2})\b)").c_str(), MinorRule::kAge);
  rule(R"(\b(?:my|our)\s+(\d{1,2})[- ](?:years?|yrs?)[- ]olds?\b)", MinorRule::kAge);
  rule((std::string("\\b") + kRelEn + R"(\s+(?:just\s+|has\s+just\s+|recently\s+|finally\s+)?(?:turned|turns|will turn|is turning|will be)\s+(\d{1,2})\b)").c_str(),
       MinorRule::kAge);
  rule((std::string("\\b") + kRel + R"(\s+(?:vient d'avoir|vient d avoir|a eu|va avoir|aura|fete ses|fetera ses|souffle ses|soufflera ses)\s+(\d{1,2})\s*(?:ans|bougies)\b)").c_str(),
       MinorRule::kAge);
  rule((std::string(R"(\b(\d{1,2})(?:st|nd|rd|th)\s+birthday\s+(?:to|of|for)\s+)") + kRelEn + "\\b").c_str(), MinorRule::kAge);
  rule((std::string("\\b") + kRelEn + R"('s\s+(\d{1,2})(?:st|nd|rd|th)\s+birthday\b)").c_str(), MinorRule::kAge);
  rule((std::string(R"(\b(?:les|des)\s+(\d{1,2})\s+ans\s+(?:de|d')\s*)") + kRel + "\\b").c_str(), MinorRule::kAge);
  rule((std::string("\\b") + kRel + R"(\s+(?:est|entre|rentre|passe|va|ira|sera)\s+(?:en|au)\s+(?:classe\s+de\s+)?(6e|6eme|sixieme|5e|5eme|cinquieme|4e|4eme|quatrieme|3e|3eme|troisieme|seconde|2nde|premiere|1ere|terminale|cm1|cm2|ce1|ce2|cp|college|lycee|primaire|maternelle)\b)").c_str(),
       MinorRule::kGrade);
  rule((std::string("\\b") + kRelEn + R"(\s+(?:is|are|will be)\s+(?:a\s+|now\s+a\s+)?(?:high school|middle school|junior high)\s+(?:freshman|sophomore|junior|senior|student|students)\b)").c_str(),
       MinorRule::kGrade);
  rule((std::string("\\b") + kRelEn + R"(\s+(?:is|are|will be)\s+(?:in|starting|entering|going into)\s+(?:year\s+(?:[1-9]|1[0-2])|(\d{1,2})(?:st|nd|rd|th)\s+grade|middle school|high school|junior high|elementary school|primary school|kindergarten)\b)").c_str(),
       MinorRule::kGrade);
  rule(R"(\b(?:ado|adolescente?|gamin|gamine|garcon|fillette|collegien|collegienne|lyceen|lyceenne|jeune fille|jeune garcon)\s+de\s+(\d{1,2})\s+ans\b)",
       MinorRule::kAge);
  rule(R"((?:^|[\s(,])(\d{1,2})\s?(?:yo|y/o)(?:\s|$|[,.!)]))", MinorRule::kAge);
  rule(R"(\b(?:je suis|j'suis|chui|il est|elle est|(?:fille|fils|frere|soeur|enfant|neveu|niece|ado) est|(?:fille|fils|frere|soeur) entre|il entre|elle entre|je rentre|je passe|j'entre)\s+(?:en|au)\s+(?:classe\s+de\s+)?(6e|6eme|sixieme|5e|5eme|cinquieme|4e|4eme|quatrieme|3e|3eme|troisieme|seconde|2nde|premiere|1ere|terminale|cm1|cm2|ce1|ce2|cp|college|lycee|primaire|maternelle)\b)",
       MinorRule::kGrade);
  rule(R"(\b(?:je suis|j'suis)\s+(?:collegien|collegienne|lyceen|lyceenne|en primaire|au college|au lycee)\b)", MinorRule::kGrade);
  rule(R"(\b(?:i'm|i am|im|he's|she's|he is|she is|(?:son|daughter|kid|brother|sister|child) is)\s+(?:in|starting|entering|going into)\s+(\d{1,2})(?:st|nd|rd|th)\s+grade\b)",
       MinorRule::kGrade);
  rule(R"(\b(?:i'm|i am|im)\s+(?:a\s+)?(?:high school|middle school|junior high)\s+(?:freshman|sophomore|junior|senior|student|kid)\b)",
       MinorRule::kGrade);
  rule(R"(\b(?:i'm|i am|im)\s+(?:a\s+)?(?:freshman|sophomore|junior)\s+(?:in|at)\s+high school\b)", MinorRule::kGrade);
  rule(R"(\b(?:i'm|i am|im|he's|she's|he is|she is|(?:son|daughter|kid|brother|sister|child) is)\s+an?\s+year\s+(?:[1-9]|1[0-2])\s+(?:student|pupil|kid)\b)",
       MinorRule::kGrade);
  rule(R"(\b(?:i'm|i am|im|(?:son|daughter|kid|brother|sister|child) is)\s+in\s+(?:year\s+(?:[7-9]|1[01])|middle school|high school|junior high|elementary school|primary school|grade school)\b)",
       MinorRule::kGrade);
  rule(R"(\b(?:je suis ne|je suis nee|suis ne|suis nee|(?:fille|fils|frere|soeur|enfant|neveu|niece) est nee?|i was born|(?:son|daughter|kid|brother|sister|child) was born)\s+(?:le\s+\d{1,2}\s+\S+\s+|en\s+|in\s+|on\s+\S+\s+\d{1,2},?\s+)?((?:19|20)\d\d)\b)",
       MinorRule::kBirthYear);
  rule(R"(\b(?:je suis mineure?|i'm a minor|i am a minor|i'm underage|i am underage|i'm under 18|i am under 18|j'ai moins de 18 ans)\b)",
       MinorRule::kMinorWord);
  for (const auto& r : impl->minor_rules) {
    if (!r.re->ok()) return Status::Internal("minor rule does not compile: " + r.re->error());
  }
  impl->age_unit = std::make_unique<RE2>(
      R"(^\s*(?:%|€|\$|£|h\b|min|minutes?|hours?|heures?|km|kms|miles?|m\b|cm|kg|kilos?|lbs?|pounds?|ft|foot|feet|inch|inches|'|"|euros?|dollars?|points?|pts|ko|mo|go|gb|mb|fois|times|jours?|days?|weeks?|semaines?|mois|months?|ans de|years? of|years? ago|ans plus|years? later|percent|pages?|th|st|nd|rd|x\b|\.\d|,\d|:\d|-\d|/\d))");
  impl->age_not = std::make_unique<RE2>(
      R"(^\s*(?:d'experience|de mariage|de carriere|de metier|d'anciennete|de service|de vie commune|de travail|de pratique|of experience|of marriage|years? ago|ago|plus tard|later|de plus|older|de moins|in the business|in business|sober|clean|d'abstinence|de sobriete))");
  return PersonalDetector(std::move(impl));
}

void PersonalDetector::Detect(std::string_view text, const DocumentContext& ctx, std::vector<Detection>* out) const {
  thread_local FoldedText view;
  thread_local ScanHits hits;
  impl_->pass->Run(text, &view, &hits);
  impl_->Detect(text, view, hits.personal, ctx, out);
}

const ScanPart& PersonalDetector::scan_part() const { return impl_->part; }

void PersonalDetector::DetectScanned(std::string_view text, const FoldedText& view, const std::vector<ScanHit>& hits,
                                     const DocumentContext& ctx, std::vector<Detection>* out) const {
  impl_->Detect(text, view, hits, ctx, out);
}

bool PersonalDetector::Impl::PhraseEndsAt(const std::string& list, const std::vector<std::string_view>& toks,
                                          std::size_t end, Category category, std::size_t* start) const {
  for (const Phrase& p : rules.List(list)) {
    const std::size_t len = p.tokens.size();
    if (len > end || !p.Admits(category)) continue;
    bool ok = true;
    for (std::size_t k = 0; k < len && ok; ++k) ok = toks[end - len + k] == p.tokens[k];
    if (ok) {
      *start = end - len;
      return true;
    }
  }
  return false;
}

bool PersonalDetector::Impl::Disclosure(std::string_view s, std::size_t term_at, std::size_t term_end,
                                        const Term& term, std::string_view original,
                                        const std::vector<bool>& caps) const {
  const std::vector<std::string_view> all = Tokens(s);
  const std::vector<std::string_view> before = Tokens(s.substr(0, term_at));
  const std::size_t n = before.size();
  const std::size_t term_tokens = Tokens(s.substr(term_at, term_end - term_at)).size();
  // Star signs: "je suis Cancer ascendant Lion".
  if (term.folded == "cancer") {
    for (std::string_view t : all) {
      if (rules.Has("zodiac", t)) return false;
    }
    // "Je suis Cancer", "I'm a Cancer": a capital and no article is the sign.
    if (n < caps.size() && caps[n] && n > 0 &&
        (before.back() == "suis" || before.back() == "i'm" || before.back() == "am" || before.back() == "a")) {
      return false;
    }
  }
  // Idioms that hold the term without its sense: "sourd a", "in the black".
  for (const Phrase& p : rules.List("idiom")) {
    const std::size_t len = p.tokens.size();
    for (std::size_t i = 0; i + len <= all.size(); ++i) {
      if (i >= n + term_tokens || i + len <= n) continue;  // must overlap the term
      if (std::equal(p.tokens.begin(), p.tokens.end(), all.begin() + static_cast<std::ptrdiff_t>(i))) return false;
    }
  }
  // Questions in general ("Is diabetes hereditary?") are not disclosures.
  if (s.find('?') != std::string_view::npos) {
    for (const Phrase& q : rules.List("question")) {
      if (q.tokens.size() <= all.size() && std::equal(q.tokens.begin(), q.tokens.end(), all.begin())) return false;
    }
  }
  auto negated = [&](std::string_view w) {
    return rules.Has("negation", w) || (w.size() > 3 && w.substr(w.size() - 3) == "n't");
  };
  // Between anchor and term: no negation, nothing that makes the term a topic.
  auto clean_between = [&](std::size_t from, std::size_t to) {
    for (std::size_t k = from; k < to; ++k) {
      if (negated(before[k]) || rules.Has("breaker", before[k])) return false;
      if (before[k] == "would" || before[k] == "serais" || before[k] == "aurais" || before[k] == "pourrais") return false;
    }
    return true;
  };
  // Before the anchor: no "if", "si", "imagine" and no negation close by.
  auto no_hypothesis = [&](std::size_t anchor_start) {
    const std::size_t from = anchor_start > 4 ? anchor_start - 4 : 0;
    for (std::size_t k = from; k < anchor_start; ++k) {
      if (rules.Has("hypothetical", before[k]) || negated(before[k])) return false;
    }
    return true;
  };
  // Right after the term: "je suis diabétique ? non" is rare; "I'm not" is
  // before it. A negation right after the verb-like term ("j'ai couché ... pas") is not handled.
  if (term.self_anchored) {
    // "mon syndicat", "my DNA", "je porte le voile": the term names its owner.
    return no_hypothesis(n) && (n == 0 || !negated(before[n - 1]));
  }
  auto anchored = [&](const std::string& list, std::size_t max_gap) {
    for (std::size_t gap = 0; gap <= max_gap && gap <= n; ++gap) {
      std::size_t start = 0;
      if (PhraseEndsAt(list, before, n - gap, term.category, &start) && clean_between(n - gap, n) &&
          no_hypothesis(start)) {
        return true;
      }
    }
    return false;
  };
  // "mon diabète", "my severe depression" (one adjective allowed); "I slept
  // with" (a bare pronoun right before a verb term); "je suis diabétique",
  // "I was diagnosed with bipolar disorder"; "elle est enceinte"; "ma fille
  // ... est autiste".
  if (anchored("possessive", 1) || anchored("bare", 0) || anchored("subject", 3) || anchored("third", 2) ||
      anchored("relation", 6)) {
    return true;
  }
  // A named person: "Jean Dupont, notre voisin, est alcoolique", "Mme Leroy
  // souffre de ...": two capitalised tokens (or a title and one), then a
  // link verb, within 6 tokens of the term.
  static constexpr std::string_view kLinks[] = {"est",  "a",   "souffre", "vit",      "etait", "avait", "is",
                                                "has",  "was", "had",     "suffers",  "lives", "fait",  "sont",
                                                "were", "are", "trompe",  "cheated", "came"};
  for (std::size_t k = n > 8 ? n - 8 : 0; k + 1 < n; ++k) {
    if (k + 1 >= caps.size() || !caps[k] || !caps[k + 1]) continue;
    const bool title = rules.Has("title", before[k]);
    if (!title && (rules.Has("notname", before[k]) || rules.Has("notname", before[k + 1]))) continue;
    if (before[k].size() < 2 && !title) continue;
    bool link = false;
    for (std::size_t j = k + 2; j < n; ++j) {
      for (std::string_view l : kLinks) link = link || before[j] == l;
    }
    if (link && n - (k + 2) <= 6 && clean_between(k + 2, n) && no_hypothesis(k)) return true;
  }
  (void)original;
  return false;
}

bool PersonalDetector::Impl::Minor(std::string_view s, const DocumentContext& ctx) const {
  const re2::StringPiece full(s.data(), s.size());
  for (const MinorRule& r : minor_rules) {
    const int groups = std::min(1, r.re->NumberOfCapturingGroups());
    std::size_t pos = 0;
    while (pos < s.size()) {
      re2::StringPiece m[2];
      if (!r.re->Match(full, pos, full.size(), RE2::UNANCHORED, m, 1 + groups)) break;
      const re2::StringPiece m0 = m[0];
      if (m0.empty()) break;
      pos = static_cast<std::size_t>(m0.data() + m0.size() - s.data());
      const bool has_cap = groups > 0 && m[1].data() != nullptr;
      const std::string cap = has_cap ? std::string(m[1].data(), m[1].size()) : std::string();
      const std::string_view rest = s.substr(pos);
      switch (r.kind) {
        case MinorRule::kAge: {
          if (!has_cap) break;
          const int age = std::atoi(cap.c_str());
          if (age < 1 || age >= 18) break;
          // "i'm 15 minutes late", "j'ai 15 ans d'experience", "15 years ago".
          if (RE2::PartialMatch(re2::StringPiece(rest.data(), std::min<std::size_t>(rest.size(), 30)), *age_unit)) break;
          if (RE2::PartialMatch(re2::StringPiece(rest.data(), std::min<std::size_t>(rest.size(), 40)), *age_not)) break;
          // "il y a 15 ans": the age must not follow "il y a" / "depuis" / "for".
          const std::string_view head(s.data(), m0.data() - s.data());
          if (head.size() >= 7 && (head.substr(head.size() - 7) == "il y a " || head.substr(head.size() - 4) == "for ")) break;
          return true;
        }
        case MinorRule::kGrade: {
          if (has_cap && !cap.empty() && cap[0] >= '0' && cap[0] <= '9') {
            const int grade = std::atoi(cap.c_str());
            if (grade < 1 || grade > 12) break;
          }
          // "en premiere annee / ligne / position", "en seconde main".
          if (RE2::PartialMatch(re2::StringPiece(rest.data(), std::min<std::size_t>(rest.size(), 20)),
                                R"(^\s*(?:annee|ligne|position|place|main|classe affaires|division|ligue|league|year of (?:college|university|uni)))")) {
            break;
          }
          return true;
        }
        case MinorRule::kBirthYear: {
          if (!has_cap || !ctx.year) break;
          const int age = *ctx.year - std::atoi(cap.c_str());
          if (age >= 0 && age < 18) return true;
          break;
        }
        case MinorRule::kMinorWord:
          return true;
      }
    }
  }
  return false;
}

void PersonalDetector::Impl::Detect(std::string_view text, const FoldedText& view, const std::vector<ScanHit>& all_hits,
                                    const DocumentContext& ctx, std::vector<Detection>* out) const {
  if (all_hits.empty() || text.size() > (1u << 31)) return;
  const std::string& folded = view.lower;
  const std::vector<std::uint32_t>& map = view.map;
  // A pathological text cannot make this read more than this many hits.
  constexpr std::size_t kMaxHits = 100000;
  const std::span<const ScanHit> hits(all_hits.data(), std::min(all_hits.size(), kMaxHits));

  // Sentences of the folded text around each hit.
  auto sentence_of = [&](std::size_t at, std::size_t* b, std::size_t* e) {
    std::size_t i = at;
    while (i > 0) {
      const char c = folded[i - 1];
      if (c == '\n' || c == '!' || c == '?' || ((c == '.' || c == ';') && (i >= folded.size() || folded[i] == ' '))) break;
      if (at - i > 400) break;
      --i;
    }
    std::size_t j = at;
    while (j < folded.size()) {
      const char c = folded[j];
      if (c == '\n' || c == '!' || c == '?' || ((c == '.' || c == ';') && (j + 1 >= folded.size() || folded[j + 1] == ' '))) {
        if (c == '?' || c == '!' || c == '.') ++j;
        break;
      }
      if (j - at > 400) break;
      ++j;
    }
    while (i < j && folded[i] == ' ') ++i;
    *b = i;
    *e = j;
  };
  std::set<std::pair<std::size_t, int>> done;  // (sentence start, category)
  auto emit = [&](Category c, std::size_t b, std::size_t e) {
    if (!done.insert({b, static_cast<int>(c)}).second) return;
    out->push_back(Detection{c, map[b], map[e]});
  };
  // Vectorscan's word characters, for the boundaries of the minor words.
  auto word_byte = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_'; };
  for (const ScanHit& h : hits) {
    std::size_t b = 0, e = 0;
    if (h.id >= words_base) {
      const std::size_t len = std::strlen(kMinorWords[h.id - words_base]);
      if (h.last < len || (h.last > len && word_byte(folded[h.last - len - 1])) ||
          (h.last < folded.size() && word_byte(folded[h.last]))) {
        continue;
      }
    }
    if (h.id >= minor_base) {
      sentence_of(h.last > 0 ? h.last - 1 : 0, &b, &e);
      if (done.count({b, static_cast<int>(Category::kMinor)})) continue;
      if (Minor(std::string_view(folded).substr(b, e - b), ctx)) emit(Category::kMinor, b, e);
      continue;
    }
    const Term& t = terms[h.id];
    // Word boundaries: an elision may precede a term ("l'islam"); a hyphen
    // may not follow one ("bi-place", "gay-friendly"); "diabetique*" takes
    // any letters after the stem.
    if (h.last < t.folded.size()) continue;
    const std::size_t from = h.last - t.folded.size();
    std::size_t to = h.last;
    auto letter = [](char c) {
      const unsigned char u = static_cast<unsigned char>(c);
      return (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u >= 0x80;
    };
    if (from > 0 && letter(folded[from - 1])) continue;
    if (t.prefix) {
      while (to < folded.size() && folded[to] >= 'a' && folded[to] <= 'z') ++to;
    }
    if (to < folded.size() && (letter(folded[to]) || folded[to] == '-')) continue;
    sentence_of(from, &b, &e);
    if (done.count({b, static_cast<int>(t.category)})) continue;
    const std::string_view sentence = std::string_view(folded).substr(b, e - b);
    const std::string_view original = text.substr(map[b], map[e] - map[b]);
    // Capitals of the sentence's tokens, read in the original text.
    std::vector<bool> caps;
    for (std::string_view tok : Tokens(sentence)) {
      const std::size_t at = map[b + static_cast<std::size_t>(tok.data() - sentence.data())];
      const unsigned char c0 = static_cast<unsigned char>(text[at]);
      const unsigned char c1 = at + 1 < text.size() ? static_cast<unsigned char>(text[at + 1]) : 0;
      caps.push_back((c0 >= 'A' && c0 <= 'Z') || (c0 == 0xC3 && c1 >= 0x80 && c1 <= 0x9E));
    }
    if (Disclosure(sentence, from - b, to - b, t, original, caps)) emit(t.category, b, e);
  }
}

}  // namespace moisson::filters
