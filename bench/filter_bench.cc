// bench/filter_bench: throughput of the filter chain (SPEC §3) on a generated
// JSONL dump of forum-like French and English prose with sparse identifiers,
// against a named baseline measured in the same run: bench/pii_baseline.py,
// the Python PII pass (re + python3-phonenumbers + HMAC tokens) a dataset team
// would write. Prints figures and ratios; asserts nothing.
//
//   build/release/bench/filter_bench [--mb 100] [--baseline-mb 10] [--dense] [--learned]
//
// --learned runs the learned stage of sensitive.*/minor too (filters/learned.h).
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "core/json.h"
#include "core/keyed_hash.h"
#include "filters/detector.h"
#include "filters/content.h"
#include "filters/language.h"
#include "filters/learned.h"
#include "filters/patterns.h"
#include "filters/personal.h"
#include "filters/rule_pass.h"
#include "io/record.h"
#include "pipeline/processor.h"
#include "pipeline/runner.h"

using namespace moisson;
using Clock = std::chrono::steady_clock;

namespace {

const char* kProse[] = {
    "Bonjour à tous, je reviens de la sortie de dimanche et le parcours était vraiment magnifique malgré le vent.",
    "Le conseil municipal a voté hier soir le budget de la nouvelle médiathèque, qui ouvrira au printemps prochain.",
    "Pour la pâte, mélangez 250 g de farine, 125 g de beurre mou, une pincée de sel et un peu d'eau froide.",
    "Quelqu'un sait-il si le marché de Noël ouvre dès le premier week-end de décembre cette année ?",
    "La randonnée fait environ 14 km avec 600 m de dénivelé, comptez cinq heures en prenant votre temps.",
    "Merci pour vos réponses, j'ai finalement choisi le modèle avec la batterie amovible et je ne regrette pas.",
    "Les travaux de la ligne de tramway devraient se terminer en 2026 selon la métropole.",
    "Le film commence lentement mais la deuxième partie est haletante, je le recommande sans hésiter.",
    "We met at the north car park at nine and the weather held until the very last descent.",
    "The council approved the new cycling lanes after a long debate about parking spaces on the high street.",
    "Preheat the oven to 180 degrees, then bake the loaf for about forty minutes until golden.",
    "Does anyone know whether the library is open on bank holidays? The website does not say.",
    "The update fixed the battery drain, but the camera app still crashes when switching lenses.",
    "I finally finished the puzzle after three evenings; the sky was by far the hardest part.",
    "Our team won the regional final on penalties after a goalless match in the pouring rain.",
    "The museum's new wing displays textiles from the eighteenth century, including rare silk gowns.",
};
const char* kIdentifiers[] = {
    "écrivez-moi à claire.morel@example.fr",   "appelez le 06 12 34 56 78",
    "mail me at sam.okafor@example.com",       "IBAN FR76 3000 6000 0112 3456 7890 189",
    "my server is at 203.0.113.45",            "follow @trail_sam for photos",
    "carte 4111 1111 1111 1111 expirée",       "call +44 7700 900123 after six",
};

std::string MakeDump(std::size_t bytes, bool dense, const std::string& path) {
  std::mt19937 rng(42);
  std::ofstream f(path, std::ios::binary);
  std::size_t written = 0;
  int id = 0;
  while (written < bytes) {
    std::string text;
    const int sentences = 10 + static_cast<int>(rng() % 40);
    for (int i = 0; i < sentences; ++i) {
      text += kProse[rng() % (sizeof kProse / sizeof *kProse)];
      text += (i % 5 == 4) ? "\n" : " ";
      if (rng() % (dense ? 4 : 40) == 0) {
        text += kIdentifiers[rng() % (sizeof kIdentifiers / sizeof *kIdentifiers)];
        text += ". ";
      }
    }
    ++id;
    JsonWriter w;
    w.BeginObject().Key("id").String("b" + std::to_string(id)).Key("url").String("https://forum.example.org/t/" + std::to_string(id))
        .Key("text").String(text).EndObject();
    const std::string line = w.Take() + "\n";
    f << line;
    written += line.size();
  }
  return path;
}

double Seconds(Clock::time_point a) { return std::chrono::duration<double>(Clock::now() - a).count(); }

double CpuSeconds() {
  rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec + ru.ru_stime.tv_sec + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int main(int argc, char** argv) {
  std::size_t mb = 100, baseline_mb = 10;
  bool dense = false, learned = false;
  int runs = 1;
  for (int i = 1; i < argc; ++i) {
    if (!std::strcmp(argv[i], "--mb") && i + 1 < argc) mb = std::strtoul(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--baseline-mb") && i + 1 < argc) baseline_mb = std::strtoul(argv[++i], nullptr, 10);
    else if (!std::strcmp(argv[i], "--dense")) dense = true;
    else if (!std::strcmp(argv[i], "--learned")) learned = true;
    else if (!std::strcmp(argv[i], "--runs") && i + 1 < argc) runs = std::max(1, std::atoi(argv[++i]));
    else {
      std::fprintf(stderr, "usage: filter_bench [--mb N] [--baseline-mb N] [--dense] [--learned] [--runs N]\n");
      return 2;
    }
  }
  const std::string dir = "/tmp/moisson_filter_bench_" + std::to_string(::getpid());
  std::system(("mkdir -p " + dir).c_str());
  const std::string dump = MakeDump(mb << 20, dense, dir + "/dump.jsonl");
  const std::string small = MakeDump(baseline_mb << 20, dense, dir + "/small.jsonl");
  std::printf("filter_bench: %zu MB of generated FR/EN forum prose, identifiers %s\n", mb, dense ? "dense (1 in 4 sentences)" : "sparse (1 in 40 sentences)");

  auto det = filters::Detector::Create("", learned);
  std::printf("  learned stage: %s\n", learned ? det.ok() ? det->model_version().c_str() : "?" : "off");
  if (!det.ok()) {
    std::fprintf(stderr, "%s\n", det.status().message().c_str());
    return 1;
  }
  std::array<std::uint8_t, 32> kb{};
  const ProjectKey key = ProjectKey::FromBytes(kb);
  pipeline::ProcessorParts parts;
  parts.detector = &det.value();
  parts.key = &key;
  const pipeline::Processor processor(parts, {});

  // 1. Detection alone and the whole chain, one thread, records in memory.
  std::vector<io::InputRecord> records;
  {
    auto r = io::OpenReader(dump, io::ReaderOptions());
    if (!r.ok()) return 1;
    io::InputRecord rec;
    while ((*r)->Next(&rec).value()) records.push_back(rec);
  }
  std::size_t text_bytes = 0;
  for (const auto& r : records) text_bytes += r.content.size();
  auto t0 = Clock::now();
  std::size_t detections = 0;
  for (const auto& r : records) detections += det->Detect(r.content, {}).size();
  const double detect_s = Seconds(t0);
  t0 = Clock::now();
  std::size_t modified = 0;
  for (const auto& r : records) modified += processor.Process(r).verdict == filters::Verdict::kModify;
  const double chain_s = Seconds(t0);
  std::printf("  detectors only, 1 thread:          %8.1f MB/s  (%zu detections)\n", text_bytes / 1e6 / detect_s, detections);
  // What each part of the detection costs, in microseconds of one core per
  // document (the chain runs them in this order on every document).
  {
    auto patterns = filters::PatternDetector::Create();
    auto personal = filters::PersonalDetector::Load();
    auto model = filters::LearnedDetector::Load();
    if (!patterns.ok() || !personal.ok() || !model.ok()) return 1;
    // Best of three passes over the records (some figures are differences).
    auto per_doc = [&](auto&& fn) {
      double best = 1e300;
      for (int pass = 0; pass < 3; ++pass) {
        const auto t = Clock::now();
        std::vector<filters::Detection> out;
        for (const auto& r : records) {
          out.clear();
          fn(r.content, &out);
        }
        best = std::min(best, Seconds(t));
      }
      return best * 1e6 / static_cast<double>(records.size());
    };
    const filters::DocumentContext ctx;
    // The rule detectors share one pass (filters/rule_pass.h): the fold and
    // the one scan, then each detector's work on its hits.
    auto pass = filters::RulePass::Create(&patterns->scan_part(), &personal->scan_part());
    if (!pass.ok()) return 1;
    filters::FoldedText view;
    filters::ScanHits hits;
    const double r_us = per_doc([&](std::string_view t, auto*) { pass->Run(t, &view, &hits); });
    const double p_us = per_doc([&](std::string_view t, auto* o) {
      pass->Run(t, &view, &hits);
      patterns->DetectScanned(t, view, hits.patterns, o);
    }) - r_us;
    const double s_us = per_doc([&](std::string_view t, auto* o) {
      pass->Run(t, &view, &hits);
      personal->DetectScanned(t, view, hits.personal, ctx, o);
    }) - r_us;
    const double m_us = per_doc([&](std::string_view t, auto* o) { model->Detect(t, {}, o); });
    std::size_t langs = 0;
    const double l_us = per_doc([&](std::string_view t, auto*) { langs += filters::IdentifyLanguage(t).size(); });
    // What the whole page is (filters/content.h): a page-level stage of its own.
    auto content = filters::ContentClassifier::Load("");
    if (!content.ok()) return 1;
    std::size_t judged = 0;
    const double c_us = per_doc([&](std::string_view t, auto*) { judged += content->Classify({"", "", t}).size(); });
    std::printf("  per document (%.1f KB), 1 thread:   rule pass (fold + one scan) %.1f us, then patterns %.1f us "
                "and sensitive/minor rules %.1f us; learned stage %.1f us, language identification %.1f us, "
                "content judgements %.1f us\n",
                text_bytes / 1e3 / static_cast<double>(records.size()), r_us, p_us, s_us, m_us, l_us, c_us);
  }
  std::printf("  processor (chain), 1 thread:       %8.1f MB/s  (%zu of %zu documents modified)\n",
              text_bytes / 1e6 / chain_s, modified, records.size());

  // 2. End to end: read the file, filter, write JSONL, N threads. With
  // --runs N, each figure is the median of N runs (the range beside it):
  // a shared VM's speed drifts by a tenth between minutes.
  double e2e_1 = 0;
  for (int threads : {1, 2}) {
    std::vector<std::array<double, 3>> results;  // MB/s, docs/s, us CPU/doc
    for (int run = 0; run < runs; ++run) {
      auto out = io::JsonlWriter::Create(dir + "/out.jsonl");
      if (!out.ok()) return 1;
      pipeline::RunOptions o;
      o.threads = threads;
      o.on_document = [&](const pipeline::ProcessedDocument& d) {
        return d.verdict == filters::Verdict::kDrop ? Status::Ok() : (*out)->Write(pipeline::OutputJson(d));
      };
      const double cpu0 = CpuSeconds();
      t0 = Clock::now();
      auto s = pipeline::RunPipeline(processor, {dump}, io::ReaderOptions(), o);
      (void)(*out)->Commit();
      const double wall = Seconds(t0);
      const double cpu = CpuSeconds() - cpu0;
      if (!s.ok()) return 1;
      results.push_back({s->input_bytes / 1e6 / wall, s->documents / wall, cpu * 1e6 / s->documents});
    }
    std::sort(results.begin(), results.end());
    const auto& median = results[results.size() / 2];
    if (threads == 1) e2e_1 = median[0];
    std::printf("  moisson filter path, %d thread%s:    %8.1f MB/s  (%.0f docs/s, %.1f us CPU/doc)", threads,
                threads == 1 ? " " : "s", median[0], median[1], median[2]);
    if (runs > 1) std::printf("  median of %d runs, %.1f-%.1f MB/s", runs, results.front()[0], results.back()[0]);
    std::printf("\n");
  }

  // 3. The baseline on a smaller sample of the same generator (it is slow).
  const std::string cmd = "/usr/bin/python3 " MOISSON_SOURCE_DIR "/bench/pii_baseline.py " + small + " " + dir + "/py_out.jsonl";
  FILE* p = popen(cmd.c_str(), "r");
  double py_mbs = 0;
  if (p) {
    long docs = 0, bytes = 0;
    double secs = 0;
    if (std::fscanf(p, "%ld %ld %lf", &docs, &bytes, &secs) == 3 && secs > 0) py_mbs = bytes / 1e6 / secs;
    pclose(p);
  }
  if (py_mbs > 0) {
    std::printf("  baseline pii_baseline.py (Python re + phonenumbers), 1 thread: %.2f MB/s (%zu MB sample)\n", py_mbs,
                baseline_mb);
    std::printf("  ratio moisson filter path (1 thread) / baseline: %.1fx\n", e2e_1 / py_mbs);
  } else {
    std::printf("  baseline unavailable (needs /usr/bin/python3 with python3-phonenumbers)\n");
  }
  std::system(("rm -rf " + dir).c_str());
  return 0;
}
