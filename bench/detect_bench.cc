// bench/detect_bench: the engine choice of filters/patterns.cc, measured.
//
// The same candidate shapes (filters/pattern_set.h, every pattern category)
// over the same generated French/English prose, found four ways:
//   vectorscan        one hs_scan reporting match ends only (what
//                     PatternDetector uses; exact spans come afterwards from
//                     RE2 on the few regions that matched)
//   vectorscan+SOM    one hs_scan with HS_FLAG_SOM_LEFTMOST (start and end)
//   RE2::Set + RE2    RE2::Set says which shapes occur, then each of those is
//                     searched again with its own RE2 for positions
//   RE2 each          the naive baseline: one RE2 per shape, one after another
// and the full PatternDetector (candidates + validators + context rules).
// Two texts: prose with sparse identifiers (one in about 40 sentences) and a
// dense variant (one in two). Prints MB/s and ratios; asserts nothing.
//
//   detect_bench [MB]     (default 100)
#include <hs/hs.h>
#include <re2/re2.h>
#include <re2/set.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "filters/pattern_set.h"
#include "filters/patterns.h"

namespace {

using Clock = std::chrono::steady_clock;
using moisson::filters::patterns::kCi;
using moisson::filters::patterns::kPatterns;
using moisson::filters::patterns::kU8;

// Realistic prose: numbers everywhere (prices, dates, times, versions,
// scores, quantities), capitals, URLs, but identifiers only where asked.
std::string Prose(std::size_t bytes, int every) {
  static const char* const kSentences[] = {
      "Bonjour à tous, je reviens de la sortie de dimanche et le parcours était magnifique. ",
      "The council approved the new cycling lanes on 12/05/2024 after a long debate about parking. ",
      "Pour la pâte, mélangez 250 g de farine, 125 g de beurre et une pincée de sel, puis 20 min au four. ",
      "Does anyone know whether the library is open on bank holidays in 2024? ",
      "Les travaux de la ligne 3 devraient se terminer en 2026 selon la métropole. ",
      "Version 2.4.1 fixes the crash reported last week; upgrade with pip install -U tool. ",
      "Le match s'est terminé 2-1, rendez-vous samedi à 15h30 au stade. ",
      "Prix : 1 299,00 € TTC, livraison offerte dès 49 € d'achat. ",
      "See https://www.example.com/docs/guide for the full guide and FAQ. ",
      "I scored 7.5, 8.25 and 9 in the last three tests, not bad at all. ",
      "LA RÉUNION DU CONSEIL MUNICIPAL EST REPORTÉE AU MOIS PROCHAIN. ",
      "Commande n° 2024-118734 expédiée le 03.06.2024, suivi sous 48 h. ",
      "He finished the marathon in 3:12:45, a personal best by four minutes. ",
      "Température mesurée : 21,5 °C à 14:00, humidité 63 %. ",
  };
  static const char* const kIds[] = {
      "écrivez à claire.morel@example.fr. ",
      "appelez le 06 12 34 56 78 après 18h. ",
      "my card 4111 1111 1111 1111 was charged twice. ",
      "virement sur FR76 3000 6000 0112 3456 7890 189 merci. ",
      "my server is at 203.0.113.45 behind a proxy. ",
      "suivez @trail_sam sur instagram.com/trail.sam pour les photos. ",
      "j'habite au 12 rue des Lilas, 75011 Paris. ",
      "rendez-vous ici : 48.8566, 2.3522 à 20h. ",
      "https://www.google.com/maps/@48.8566,2.3522,15z voilà. ",
      "NIR 1 84 12 76 451 089 46 sur la feuille. ",
      "call me on +44 20 7946 0958 tomorrow. ",
      "BIC AGRIFRPP pour le virement. ",
  };
  std::mt19937 rng(7);
  std::string s;
  s.reserve(bytes + 256);
  while (s.size() < bytes) {
    s += kSentences[rng() % std::size(kSentences)];
    if (rng() % every == 0) s += kIds[rng() % std::size(kIds)];
    if (rng() % 6 == 0) s += '\n';
  }
  return s;
}

// MB/s of f() over `text`, best of `rounds` runs.
template <typename F>
double Rate(const std::string& text, int rounds, F f) {
  double best = 0;
  for (int i = 0; i < rounds; ++i) {
    const auto t0 = Clock::now();
    f();
    const double secs = std::chrono::duration<double>(Clock::now() - t0).count();
    best = std::max(best, text.size() / 1e6 / secs);
  }
  return best;
}

hs_database_t* Compile(unsigned extra_flags) {
  std::vector<const char*> exprs;
  std::vector<unsigned> flags, ids;
  for (const auto& p : kPatterns) {
    exprs.push_back(p.regex);
    flags.push_back(p.flags | extra_flags);
    ids.push_back(p.id);
  }
  hs_database_t* db = nullptr;
  hs_compile_error_t* err = nullptr;
  if (hs_compile_multi(exprs.data(), flags.data(), ids.data(), static_cast<unsigned>(exprs.size()), HS_MODE_BLOCK,
                       nullptr, &db, &err) != HS_SUCCESS) {
    std::fprintf(stderr, "vectorscan: %s (pattern %d)\n", err->message, err->expression);
    std::exit(1);
  }
  return db;
}

RE2::Options Options(unsigned flags) {
  RE2::Options o;
  o.set_log_errors(false);
  o.set_longest_match(true);
  o.set_case_sensitive((flags & kCi) == 0);
  if ((flags & kU8) == 0) o.set_encoding(RE2::Options::EncodingLatin1);
  return o;
}

}  // namespace

int main(int argc, char** argv) {
  const std::size_t mb = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 100;
  hs_database_t* db = Compile(0);
  hs_database_t* db_som = Compile(HS_FLAG_SOM_LEFTMOST);
  hs_scratch_t* scratch = nullptr;
  hs_alloc_scratch(db, &scratch);
  hs_alloc_scratch(db_som, &scratch);

  // RE2::Set cannot mix options per pattern: case-insensitive shapes get (?i).
  RE2::Options set_opts;
  set_opts.set_log_errors(false);
  RE2::Set set(set_opts, RE2::UNANCHORED);
  std::vector<std::unique_ptr<RE2>> each;
  for (const auto& p : kPatterns) {
    set.Add((p.flags & kCi) ? std::string("(?i)") + p.regex : std::string(p.regex), nullptr);
    each.push_back(std::make_unique<RE2>(std::string("(") + p.regex + ")", Options(p.flags)));
  }
  set.Compile();
  auto detector = moisson::filters::PatternDetector::Create();
  if (!detector.ok()) {
    std::fprintf(stderr, "%s\n", detector.status().message().c_str());
    return 1;
  }
  auto count_all = [](unsigned, unsigned long long, unsigned long long, unsigned, void* c) -> int {
    ++*static_cast<std::size_t*>(c);
    return 0;
  };

  std::printf("%zu candidate shapes (filters/pattern_set.h), %zu MB of text each, best of 3 (naive: 1)\n",
              std::size(kPatterns), mb);
  for (int every : {40, 2}) {
    const std::string text = Prose(mb << 20, every);
    std::size_t n_hs = 0, n_som = 0, n_set = 0, n_each = 0;
    const double hs = Rate(text, 3, [&] {
      n_hs = 0;
      hs_scan(db, text.data(), static_cast<unsigned>(text.size()), 0, scratch, count_all, &n_hs);
    });
    const double som = Rate(text, 3, [&] {
      n_som = 0;
      hs_scan(db_som, text.data(), static_cast<unsigned>(text.size()), 0, scratch, count_all, &n_som);
    });
    auto scan_one = [&](const RE2& re, std::size_t* n) {
      re2::StringPiece in(text);
      re2::StringPiece m;
      while (RE2::FindAndConsume(&in, re, &m)) {
        ++*n;
        if (m.empty()) {
          if (in.empty()) break;
          in.remove_prefix(1);
        }
      }
    };
    const double rs = Rate(text, 3, [&] {
      n_set = 0;
      std::vector<int> which;
      if (!set.Match(text, &which)) return;
      for (int w : which) scan_one(*each[w], &n_set);
    });
    const double re = Rate(text, 1, [&] {
      n_each = 0;
      for (const auto& w : each) scan_one(*w, &n_each);
    });
    std::vector<moisson::filters::Detection> out;
    const double full = Rate(text, 3, [&] {
      out.clear();
      detector->Detect(text, {}, &out);
    });
    std::printf("\n%s:\n", every == 40 ? "prose, sparse identifiers (1 in ~40 sentences)"
                                       : "dense identifiers (1 in ~2 sentences)");
    std::printf("  vectorscan, ends only, one pass    %8.1f MB/s  (%zu match ends)\n", hs, n_hs);
    std::printf("  vectorscan + SOM_LEFTMOST          %8.1f MB/s  (%zu matches)      vectorscan = %.1fx\n", som,
                n_som, hs / som);
    std::printf("  RE2::Set, then RE2 per hit shape   %8.1f MB/s  (%zu matches)      vectorscan = %.1fx\n", rs,
                n_set, hs / rs);
    std::printf("  RE2 per shape (naive baseline)     %8.1f MB/s  (%zu matches)      vectorscan = %.1fx\n", re,
                n_each, hs / re);
    std::printf("  PatternDetector (all + validators) %8.1f MB/s  (%zu detections)   naive/detector = %.2fx\n", full,
                out.size(), re / full);
  }
  hs_free_scratch(scratch);
  hs_free_database(db);
  hs_free_database(db_som);
  return 0;
}
