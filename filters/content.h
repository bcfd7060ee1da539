// What a whole page is, rather than what one of its spans says: a
// pornographic page (content.adult), a health forum (content.health_forum),
// a social network or chat for minors (content.minors_network). The CNIL
// asks that these be excluded by default (fiche 8.2); site lists name the
// known ones, and this judges pages that no list names, from their own URL,
// title and text.
//
//   auto c = ContentClassifier::Load("");   // filters/data/content/*.tsv
//   for (const ContentFinding& f : c->Classify({url, title, text})) ...;
//
// Each judgement weighs terms (filters/data/content: adult.tsv, from
// LDNOOBW and our own, health_forum.tsv, minors_network.tsv; SOURCE.md
// says where they come from). A term is evidence, never a verdict alone: a
// page about pornography (news of the industry, sex education, art history,
// health) names a few; a pornographic page is made of them. Terms written
// in Latin script match whole words of the folded lower-case text
// (filters/fold.h: accents off); others (Chinese, Japanese) match anywhere.
// The title and the URL count apart from the body, because adult sites
// put their words there, and because hijacked pages (an adult title over a
// company's text) are adult pages too.
//
// content.adult: one of
//   * the title holds 2 or more terms weighing 5 or more;
//   * the text holds 3 or more distinct strong terms (weight 3), at 4 or
//     more weight points a kilobyte (terms counted up to 3 times each);
//   * the title weighs 3 or more and the text holds 2 or more distinct
//     strong terms;
//   * the URL weighs 3 or more and the title weighs 3 or more, or the text
//     holds 2 or more distinct strong terms.
// content.health_forum: 3 or more distinct cues of a discussion forum
//   (reply, quote, posted by, member since, ...) and 4 or more distinct
//   health terms, at 2 or more health terms a kilobyte.
// content.minors_network: 2 or more distinct cues of a young audience or its
//   age gate (13 or older, ados, collège, parental consent, ...) and 3 or
//   more distinct cues of a community to join (sign up, profile, friends,
//   chat, ...).
// The thresholds were chosen on pages written for the purpose
// (tests/data/content/, docs/filtering.md gives the figures); the real
// Common Crawl sample of tests/content_test.cc is measured, not tuned on.
//
// Immutable once loaded; Classify() may be called from any thread. The
// evidence says how much of what was found where, never the terms or the
// text.
#ifndef MOISSON_FILTERS_CONTENT_H_
#define MOISSON_FILTERS_CONTENT_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "filters/category.h"

namespace moisson::filters {

struct ContentFinding {
  Category category;     // kContentAdult, kContentHealthForum or kContentMinorsNetwork
  std::string evidence;  // "title: 3 terms (weight 7); text: 9 terms, 5 strong, 12.4 a KB; url: 0"
};

class ContentClassifier {
 public:
  // Reads data_dir/content/{adult,health_forum,minors_network}.tsv ("": the
  // folder built into this binary). Errors name the file and line.
  static Result<ContentClassifier> Load(const std::string& data_dir = "");

  struct Page {
    std::string_view url;
    std::string_view title;
    std::string_view text;
  };
  std::vector<ContentFinding> Classify(const Page& page) const;

 private:
  struct Impl;
  explicit ContentClassifier(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const Impl> impl_;
};

}  // namespace moisson::filters

#endif  // MOISSON_FILTERS_CONTENT_H_
