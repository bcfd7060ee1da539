// The candidate shapes of the pattern detectors, shared by filters/patterns.cc
// and bench/detect_bench.cc (which must measure the very same set).
//
// Each shape over-matches on purpose: validators and context rules decide.
// Every regex is valid for both Vectorscan and RE2 with the same meaning
// (ASCII \\b and \\d, no back-references, no look-around).
#ifndef MOISSON_FILTERS_PATTERN_SET_H_
#define MOISSON_FILTERS_PATTERN_SET_H_

namespace moisson::filters::patterns {

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
  kCoordLabelled,
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
  // Longest text a candidate may span, in bytes. Vectorscan reports match
  // ends only; the exact span is found by the RE2 twin in a window this long
  // before the end (longer matches of unbounded patterns are cut here).
  unsigned max_len;
  // The first pass may read a shape through a shorter expression: `scan`
  // (Vectorscan only; `regex` stays the truth) reports candidate ends that
  // the twin may extend by up to `reach` bytes; null means `regex`, 0.
  const char* scan = nullptr;
  unsigned reach = 0;
  // Digit shapes: every match of the scanned expression starts at most one
  // byte before a digit, and none of its digits is more than kDigitReach
  // bytes from the next one or from its end. The first pass looks for them
  // only in windows around the text's digits, in the text itself.
  //
  // The other shapes are scanned over the folded view of the text, in the
  // rule pass shared with the lexicons (filters/rule_pass.h). Their scanned
  // expression must match wherever `regex` matches the text, at the same end
  // or before it by at most `reach` bytes: folding removes accents ("é" is
  // then a word letter, which moves \b), turns ’ into ' and no-break spaces
  // into spaces; it keeps the case of ASCII letters. So those shapes are
  // scanned without word boundaries, or through a head.
  bool near_digits = false;
};

inline constexpr unsigned kDigitReach = 48;

// Flags, in Vectorscan's values (hs_compile.h) so they pass through unchanged;
// the RE2 twin of each pattern maps them to RE2::Options.
inline constexpr unsigned kCi = 1;   // HS_FLAG_CASELESS
inline constexpr unsigned kU8 = 32;  // HS_FLAG_UTF8

// Candidate shapes. They over-match on purpose; validators decide.
inline constexpr PatternDef kPatterns[] = {
    // Scanned from the "@": the local part before it, a class repeated,
    // made the rule pass's scan a third slower. (This form meets a bug of
    // Debian's Vectorscan on AVX-512 machines, a match lost in a buffer's
    // last bytes: every scan reads padding after its bytes, filters/scan_database.h.)
    {kEmail, R"([A-Za-z0-9][A-Za-z0-9._%+\-]*@[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24})", 0, 254,
     R"(@[A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,24})"},
    {kHandle, R"(@[A-Za-z0-9_][A-Za-z0-9_.]*)", 0, 64},
    {kProfile,
     R"((?:twitter\.com|x\.com|instagram\.com|tiktok\.com|facebook\.com|fb\.com|linkedin\.com/in|github\.com|youtube\.com|threads\.net|bsky\.app/profile|mastodon\.social)/@?[A-Za-z0-9_][A-Za-z0-9_.\-]*)",
     kCi, 160},
    {kCard, R"(\b\d{4}(?:[ \-]?\d{4}){2}[ \-]?\d{1,7}\b|\b\d{4}[ \-]?\d{6}[ \-]?\d{4,5}\b)", 0, 32, nullptr, 0, true},
    {kPhoneFr, R"((?:\+33[ .\-]?(?:\(0\)[ .\-]?)?|\b0033[ .\-]?|\b0)[1-9](?:[ .\-]?\d\d){4}\b)", 0, 32, nullptr, 0, true},
    {kPhoneIntl, R"(\+[1-9]\d{0,2}[ .\-]?(?:\(\d{1,4}\)[ .\-]?)?\d{1,5}(?:[ .\-]?\d{2,5}){1,5}\b)", 0, 40, nullptr, 0, true},
    {kPhoneNanp, R"((?:\(\d{3}\)\s?|\b\d{3}[ .\-])\d{3}[ .\-]\d{4}\b)", 0, 24, nullptr, 0, true},
    {kPhoneUk, R"(\b0\d{2,4}[ ]?\d{3,4}[ ]?\d{3,4}\b)", 0, 24, nullptr, 0, true},
    {kIban, R"(\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b)", 0, 48,
     // Scanned as its first three groups; the twin reads the rest.
     R"([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2})", 36},
    {kBic, R"(\b[A-Z]{6}[A-Z0-9]{2}(?:[A-Z0-9]{3})?\b)", 0, 11, R"([A-Z]{6}[A-Z0-9]{2})", 3},
    {kRib, R"(\b\d{5}[ -]?\d{5}[ -]?[0-9A-Z]{11}[ -]?\d{2}\b)", 0, 32, nullptr, 0, true},
    {kNir, R"(\b[1278][ .]?\d{2}[ .]?\d{2}[ .]?(?:\d{2}|2[AB])[ .]?\d{3}[ .]?\d{3}[ .]?\d{2}\b)", kCi, 32, nullptr, 0, true},
    {kIpv4, R"(\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b)", 0, 15, nullptr, 0, true},
    // IPv6: eight groups, or "::" somewhere. Times ("12:30:45") have neither.
    // IPv4-mapped tails ("::ffff:192.0.2.1") are not matched.
    {kIpv6,
     R"([0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){7}|(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?)",
     0, 39},
    {kCoordDecimal,
     R"(-?\d{1,2}[.,]\d{3,}\s?°?\s?[NS]?\s?(?:[,;/]|\s)\s?-?\d{1,3}[.,]\d{3,}\s?°?\s?[EWO]?)", kU8, 64, nullptr, 0, true},
    {kCoordDms, R"(\d{1,3}\s?°\s?\d{1,2}\s?['′’]\s?(?:\d{1,2}(?:[.,]\d+)?\s?(?:["″”]|''))?\s?[NSEWO])", kU8, 48, nullptr, 0, true},
    // "lat: 48.85, lon: 2.35", "latitude 48.8566 longitude 2.3522": labelled, so
    // two decimals are enough.
    {kCoordLabelled,
     R"(\blat(?:itude)?\s?[:=]?\s?-?\d{1,2}[.,]\d{2,}\s?°?\s?[NS]?\s?[,;/]?\s?(?:lng|lon|long|longitude)\s?[:=]?\s?-?\d{1,3}[.,]\d{2,})",
     kCi | kU8, 96,
     R"(lat(?:itude)?\s?[:=]?\s?-?\d{1,2}[.,]\d{2,}\s?°?\s?[NS]?\s?[,;/]?\s?(?:lng|lon|long|longitude)\s?[:=]?\s?-?\d{1,3}[.,]\d{2,})"},
    {kGeoUri, R"(geo:-?\d{1,2}(?:\.\d+)?,-?\d{1,3}(?:\.\d+)?(?:,-?\d+(?:\.\d+)?)?(?:;[A-Za-z0-9=.;\-]*)?)", kCi, 160},
    {kMapLink,
     R"((?:google\.[a-z.]{2,6}/maps|maps\.google\.[a-z.]{2,6}|goo\.gl/maps|openstreetmap\.org|osm\.org|maps\.apple\.com|waze\.com|bing\.com/maps)[^\s"'<>)]*)",
     kCi, 512,
     // Scanned as the site; the twin reads the path after it.
     R"((?:google\.[a-z.]{2,6}/maps|maps\.google\.[a-z.]{2,6}|goo\.gl/maps|openstreetmap\.org|osm\.org|maps\.apple\.com|waze\.com|bing\.com/maps))",
     512},
    {kAddressFr,
     R"(\b\d{1,4}(?:\s?(?:bis|ter|quater|[a-d]))?,?\s(?:rue|avenue|av\.|boulevard|bd|chemin|impasse|allée|allee|place|quai|route|cours|square|passage|lieu-dit|résidence|residence|sentier|hameau|faubourg|rond-point|esplanade|ruelle|villa|cité|cite|lotissement|clos|mail|promenade|montée|montee|traverse|venelle|voie|domaine|parc)\s[^\n,;()0-9]+)",
     kCi | kU8, 256,
     // Scanned up to the street type; the twin reads the name after it.
     R"(\b\d{1,4}(?:\s?(?:bis|ter|quater|[a-d]))?,?\s(?:rue|avenue|av\.|boulevard|bd|chemin|impasse|allée|allee|place|quai|route|cours|square|passage|lieu-dit|résidence|residence|sentier|hameau|faubourg|rond-point|esplanade|ruelle|villa|cité|cite|lotissement|clos|mail|promenade|montée|montee|traverse|venelle|voie|domaine|parc)\s)",
     256, true},
    {kAddressEn,
     R"(\b\d{1,5}[A-Za-z]?\s(?:(?:[A-Z][A-Za-z'\-]*|\d{1,3}(?:st|nd|rd|th))\s){1,3}(?:Street|St\.?|Avenue|Ave\.?|Road|Rd\.?|Lane|Ln\.?|Drive|Dr\.?|Boulevard|Blvd\.?|Court|Ct\.?|Terrace|Place|Pl\.?|Way|Close|Crescent|Gardens|Square|Sq\.?|Parkway|Pkwy|Highway|Hwy|Hill|Walk|Park|Path|Trail|Row|Mews|Grove|Rise|View|Green|Circle|Cir\.?|Loop|Vale|Parade|Heights|Cottages|Chase|Brae|Wynd)\b(?:\s(?:NW|NE|SW|SE|N|S|E|W)\b)?)",
     0, 160,
     // Scanned as a number and the start of a name after it: a capital, or an
     // ordinal ("5th"), as the name's first word must be; not any digit,
     // which made every group of a phone or card number a candidate.
     R"(\b\d{1,5}[A-Za-z]?\s(?:[A-Z]|\d{1,3}(?:st|nd|rd|th)))", 160, true},
};

}  // namespace moisson::filters::patterns

#endif  // MOISSON_FILTERS_PATTERN_SET_H_
