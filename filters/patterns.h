// Pattern detectors: banking.*, geo.* and id.* (SPEC §3).
//
// One Vectorscan pass finds the ends of every candidate shape at once
// (filters/pattern_set.h: the shapes read over the whole text in the rule
// pass over the folded text, filters/rule_pass.h; the digit shapes in
// windows around the text's digits); the RE2 twin of a shape then gives exact
// spans on the few regions that matched, and exact validators run on those
// candidates only: Luhn + issuer prefixes and lengths (cards), registry length
// + mod 97 (IBAN), clé RIB, NIR/NIA key with 2A/2B, libphonenumber (phones,
// FR by default, international with +), inet_pton (IPv4/IPv6).
//
// Context rules, with their cue lists in filters/data/patterns/cues.txt
// (loaded by Create(); reviewable data, not code):
//  - banking.bic only with a banking word (BIC, SWIFT, IBAN, virement, bank,
//    wire...) within 80 bytes before or 40 after: "BONJOURFR" is not a BIC.
//  - geo.coordinates: decimal pairs need 3+ decimals each (2 when labelled
//    "lat: .. lon: .."), lat within ±90 and lon within ±180; maths notation
//    ("(1.500, 2.250)", "x = 0.125") is not matched. A pair after an
//    encyclopedic landmark cue ("est située", "coordinates of", "{{coord")
//    is not detected unless a personal cue ("j'habite", "meet me", "RDV")
//    is also there. Default with no cue either way: detected — a precise
//    pair in a forum post or an ad usually locates a person or a home.
//  - geo.address: only after a personal cue ("j'habite au", "mon adresse",
//    "I live at", "my home address", "send it to me at") within 200 bytes
//    before, and not when a business cue (magasin, siège social, SARL, store,
//    museum, open daily...) is within 60 bytes before. Default with no cue:
//    not detected — a bare street address is more often a shop's or a venue's,
//    and a false positive here destroys useful text.
//  - id.ip: dotted quads that continue ("1.2.3.4.5", an OID) or follow a
//    version cue ("version 1.2.3.4", "v1.2.3.4") are not addresses; IPv6
//    needs "::" or eight groups, so times ("12:30:45") never match.
//  - id.handle: "@name" after a start, space or punctuation (not inside an
//    e-mail), not CSS/Sass at-rules, Javadoc/PHPDoc tags, decorators alone on
//    their line, npm scopes ("@angular/core"); and profile links (twitter/x,
//    instagram, tiktok, facebook, linkedin.com/in, github, youtube @, bsky)
//    whose first path segment is a user name: share, intent, dialog,
//    plugins, watch, p, tr, link shims ("facebook.com/l.php") and any
//    script or page name ("sharer.php", "story.php", "widgets.js"; not
//    "profile.php") are not.
//  - banking.card, banking.rib, id.nir and id.phone: a candidate whose whole
//    numbers belong to an arithmetic run of at least three numbers, with
//    the numbers written next to it ("2248 2249 2250 2251 2252" pagination,
//    "12248 12249 12250" page lists, "01 02 03 04 05" slide numbers, years,
//    countdowns, "10 20 30 40" scales), is not an identifier; a card written
//    in groups ("4970 1012 3456 7893") is not arithmetic and stays one. The
//    exact rule is InArithmeticRun() in filters/validators.h.
// Spans cover the identifier itself (the number, the address, the e-mail),
// never the cue word. Nested findings are reported once: digits of a card,
// IBAN or RIB are not also a phone or a NIR; coordinates in a map link are
// the link.
//
// Immutable once created; Detect() may be called from any number of threads
// at once (each thread keeps its own Vectorscan scratch).
#ifndef MOISSON_FILTERS_PATTERNS_H_
#define MOISSON_FILTERS_PATTERNS_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "filters/category.h"
#include "filters/rule_pass.h"

namespace moisson::filters {

class PatternDetector {
 public:
  // Compiles the shape set and loads the cue lists from
  // DATA_DIR/patterns/cues.txt, `data_dir` "" meaning the folder built into
  // this binary (filters/data). A bad cue list is an error naming its file
  // and line.
  static Result<PatternDetector> Create(const std::string& data_dir = "");

  // Appends every banking.*, geo.* and id.* finding in `text` to *out, in no
  // particular order; what *out already holds is left alone. Spans are UTF-8
  // byte offsets into `text`. Never fails; text beyond 4 GiB is not examined.
  // `ctx` is unused for now (the rules are the same in French and English).
  void Detect(std::string_view text, const DocumentContext& ctx, std::vector<Detection>* out) const;

  // The one-pass path (Detector): what this detector looks for in the rule
  // pass, and its findings from that pass's hits over `view` (the folded
  // `text`). Detect() is this with a rule pass of its own.
  const ScanPart& scan_part() const;
  void DetectScanned(std::string_view text, const FoldedText& view, const std::vector<ScanHit>& hits,
                     std::vector<Detection>* out) const;

 private:
  struct Impl;
  explicit PatternDetector(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_PATTERNS_H_
