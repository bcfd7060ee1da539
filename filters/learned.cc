#include "filters/learned.h"

#include <fasttext/fasttext.h>

#include <array>
#include <cmath>
#include <fstream>
#include <optional>
#include <sstream>
#include <unordered_set>

#include "core/file_util.h"
#include "core/keyed_hash.h"
#include "core/utf8.h"
#include "filters/language.h"

namespace moisson::filters {
namespace {

constexpr std::size_t kWindowSentences = 3;
constexpr std::size_t kMaxSentenceBytes = 400;

// Person anchors: who a window may be about. Normalised forms.
constexpr const char* kAnchors[] = {
    // French
    "je", "j'", "moi", "me", "m'", "mon", "ma", "mes", "nous", "notre", "nos", "il", "elle", "ils", "elles",
    "lui", "leur", "leurs", "son", "sa", "ses", "tu", "ton", "ta", "tes", "vous", "votre", "vos", "chui", "jsuis",
    "fils", "fille", "filles", "enfant", "enfants", "mari", "femme", "épouse", "époux", "compagnon", "compagne",
    "copain", "copine", "frère", "sœur", "soeur", "père", "mère", "papa", "maman", "daronne", "daron", "oncle",
    "tante", "cousin", "cousine", "neveu", "nièce", "grand-mère", "grand-père", "mamie", "papi", "voisin",
    "voisine", "collègue", "collègues", "patron", "patronne", "chef", "ami", "amie", "pote", "élève", "patient",
    "patiente", "client", "cliente", "locataire", "mme", "mlle", "monsieur", "madame", "bébé", "ado",
    "jumeaux", "jumelles", "petit", "petite", "gamin", "gamine",
    // English
    "i", "i'm", "i've", "i'd", "im", "ive", "my", "me", "mine", "we", "our", "us", "he", "she", "him", "her",
    "his", "hers", "they", "their", "them", "you", "your", "ur", "son", "daughter", "kid", "kids", "child",
    "children", "baby", "husband", "wife", "partner", "boyfriend", "girlfriend", "bf", "gf", "brother", "sister",
    "mother", "father", "mom", "mum", "dad", "mommy", "uncle", "aunt", "cousin", "nephew", "niece", "grandma",
    "grandpa", "grandmother", "grandfather", "neighbour", "neighbor", "colleague", "coworker", "boss", "friend",
    "pupil", "student", "patient", "client", "tenant", "mr", "mrs", "ms", "miss", "dr", "twins", "teen",
    "teenager", "toddler", "stepson", "stepdaughter",
};

bool IsPunct(char32_t c) {
  switch (c) {
    case '.': case ',': case ';': case ':': case '!': case '?': case '(': case ')': case '[': case ']':
    case '"': case 0xAB: case 0xBB: case 0x201C: case 0x201D: case 0x2026:
      return true;
    default:
      return false;
  }
}

// Lower case for ASCII, Latin-1 and Latin Extended-A (French, most of
// Europe's Latin scripts); other code points as they are.
char32_t Lower(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c + 32;
  if (c >= 0xC0 && c <= 0xDE && c != 0xD7) return c + 32;
  if ((c >= 0x100 && c <= 0x137) || (c >= 0x14A && c <= 0x177)) return (c % 2 == 0 && c != 0x130) ? c + 1 : c;
  if ((c >= 0x139 && c <= 0x148) || (c >= 0x179 && c <= 0x17E)) return (c % 2 == 1) ? c + 1 : c;
  if (c == 0x178) return 0xFF;
  return c;
}

struct Sentence {
  std::uint32_t start = 0, end = 0;  // bytes of the original text
  std::string norm;
  bool anchor = false, cue = false;
  bool prose = false;  // ends with . ! or ? (not a menu item, a list entry, a heading)
  std::size_t words = 0;
  std::size_t letters = 0, latin = 0;  // letters, and those of the Latin script
};

// A window of a long page is read only when it looks like prose the model
// was trained on: at least this many words, its first sentence ending as a
// sentence does, and mostly Latin letters (the model knows French and English).
constexpr std::size_t kMinWindowWords = 8;

}  // namespace

struct LearnedDetector::Impl {
  fasttext::FastText model;
  std::string version;
  // Per model label index: the category, or nullopt ("none").
  std::vector<std::optional<Category>> label_category;
  std::array<float, kCategoryCount> threshold{};  // > 1: off
  std::unordered_set<std::string> anchors;
  std::unordered_set<std::string> cues;
};

std::string LearnedDetector::Normalise(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  bool space = true;  // at the start: no leading space
  std::size_t i = 0;
  while (i < text.size()) {
    char32_t c = NextCodePoint(text, &i);
    if (c == 0x2019 || c == 0x2018) c = '\'';
    const bool ws = c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x202F || c == '\f' ||
                    c == '\v';
    if (ws) {
      if (!space) out.push_back(' ');
      space = true;
      continue;
    }
    if (IsPunct(c)) {
      if (!space) out.push_back(' ');
      AppendUtf8(c, &out);
      out.push_back(' ');
      space = true;
      continue;
    }
    AppendUtf8(Lower(c), &out);
    space = false;
  }
  while (!out.empty() && out.back() == ' ') out.pop_back();
  return out;
}

Result<LearnedDetector> LearnedDetector::Load(const std::string& model_dir) {
  const std::string dir = model_dir.empty() ? std::string(MOISSON_FILTERS_DATA_DIR) + "/model" : model_dir;
  auto impl = std::make_shared<Impl>();
  const std::string model_path = dir + "/sensitive.ftz";
  auto bytes = ReadFileToString(model_path, 64u << 20);
  if (!bytes.ok()) return Status::NotFound(model_path + ": cannot read the learned stage's model (" + bytes.status().message() + ")");
  try {
    // loadModel(path) checks the file's magic number and version first
    // (loadModel(istream) expects them already read).
    impl->model.loadModel(model_path);
  } catch (const std::exception& e) {
    return Status::InvalidArgument(model_path + ": not a fastText model (" + e.what() + ")");
  }
  impl->version = "sensitive.ftz sha256:" + Sha256Hex(*bytes);
  auto dict = impl->model.getDictionary();
  for (int32_t i = 0; i < dict->nlabels(); ++i) {
    std::string name = dict->getLabel(i);
    if (name.rfind("__label__", 0) == 0) name.erase(0, 9);
    impl->label_category.push_back(ParseCategory(name));
  }
  impl->threshold.fill(2.0f);
  const std::string thresholds_path = dir + "/thresholds.tsv";
  auto thresholds = ReadFileToString(thresholds_path);
  if (!thresholds.ok()) return thresholds.status();
  std::istringstream tin(*thresholds);
  std::string line;
  int line_no = 0;
  while (std::getline(tin, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string cat;
    float t = 0;
    if (!(fields >> cat >> t)) return Status::AtLine(thresholds_path, line_no, "expected: category threshold ...");
    auto c = ParseCategory(cat);
    if (!c || !(IsSensitive(*c) || *c == Category::kMinor)) {
      return Status::AtLine(thresholds_path, line_no, "not a sensitive.* or minor category: " + cat);
    }
    impl->threshold[static_cast<int>(*c)] = t;
  }
  const std::string cues_path = dir + "/cues.txt";
  auto cues = ReadFileToString(cues_path);
  if (!cues.ok()) return cues.status();
  std::istringstream cin(*cues);
  while (std::getline(cin, line)) {
    if (line.empty() || line[0] == '#') continue;
    impl->cues.insert(line);
  }
  for (const char* a : kAnchors) impl->anchors.insert(a);
  return LearnedDetector(std::move(impl));
}

const std::string& LearnedDetector::version() const { return impl_->version; }

void LearnedDetector::Detect(std::string_view text, const std::vector<Detection>& skip,
                             std::vector<Detection>* out) const {
  const Impl& m = *impl_;
  std::array<bool, kCategoryCount> wanted{};
  bool any = false;
  for (int c = 0; c < kCategoryCount; ++c) {
    wanted[c] = m.threshold[c] <= 1.0f;
    any |= wanted[c];
  }
  for (const Detection& d : skip) wanted[static_cast<int>(d.category)] = false;
  if (!any) return;
  // 1. Sentences, with their gates.
  std::vector<Sentence> sentences;
  std::size_t start = 0;
  auto flush = [&](std::size_t end) {
    while (start < end && (text[start] == ' ' || text[start] == '\n' || text[start] == '\t' || text[start] == '\r')) ++start;
    if (end <= start) return;
    Sentence s;
    s.start = static_cast<std::uint32_t>(start);
    s.end = static_cast<std::uint32_t>(end);
    const std::string_view raw = text.substr(start, end - start);
    std::size_t last = raw.size();
    while (last > 0 && (raw[last - 1] == ' ' || raw[last - 1] == '\n' || raw[last - 1] == '\r')) --last;
    s.prose = last > 0 && (raw[last - 1] == '.' || raw[last - 1] == '!' || raw[last - 1] == '?');
    const LetterCounts letters = CountLetters(raw);
    s.letters = letters.letters;
    s.latin = letters.latin;
    s.norm = Normalise(raw);
    std::size_t p = 0;
    while (p < s.norm.size()) {
      std::size_t q = s.norm.find(' ', p);
      if (q == std::string::npos) q = s.norm.size();
      const std::string word = s.norm.substr(p, q - p);
      ++s.words;
      if (!s.anchor && m.anchors.count(word)) s.anchor = true;
      if (!s.cue && m.cues.count(word)) s.cue = true;
      // "j'ai", "l'adn": the part after an apostrophe is a word too.
      if (const std::size_t ap = word.find('\''); ap != std::string::npos) {
        if (!s.anchor && m.anchors.count(word.substr(0, ap + 1))) s.anchor = true;
        if (!s.cue && m.cues.count(word.substr(ap + 1))) s.cue = true;
      }
      p = q + 1;
    }
    sentences.push_back(std::move(s));
    start = end;
  };
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    const bool boundary = c == '\n' || ((c == '.' || c == '!' || c == '?') &&
                                        (i + 1 == text.size() || text[i + 1] == ' ' || text[i + 1] == '\n'));
    if (boundary) flush(i + 1);
    else if (i - start >= kMaxSentenceBytes && c == ' ') flush(i);
  }
  flush(text.size());
  if (sentences.empty()) return;
  // 2-3. Windows that pass the gates, scored.
  // A short text (a post, a snippet: what the model was trained on) is one
  // window; a longer one has a window starting at each sentence.
  const bool short_text = sentences.size() <= kShortWindows;
  const std::size_t windows = short_text ? 1 : sentences.size();
  const std::size_t window_sentences = short_text ? sentences.size() : kWindowSentences;
  std::array<int, kCategoryCount> fired{}, strong{};
  std::array<std::pair<std::uint32_t, std::uint32_t>, kCategoryCount> span{};
  std::vector<int32_t> words, labels;
  fasttext::Predictions predictions;
  for (std::size_t w = 0; w < windows; ++w) {
    const std::size_t last = std::min(sentences.size(), w + window_sentences);
    bool anchor = false, cue = false;
    std::size_t word_count = 0, letters = 0, latin = 0;
    for (std::size_t k = w; k < last; ++k) {
      anchor |= sentences[k].anchor;
      cue |= sentences[k].cue;
      word_count += sentences[k].words;
      letters += sentences[k].letters;
      latin += sentences[k].latin;
    }
    if (!anchor || !cue) continue;
    if (latin * 2 < letters) continue;
    if (!short_text && (word_count < kMinWindowWords || !sentences[w].prose)) continue;
    std::string line;
    for (std::size_t k = w; k < last; ++k) {
      if (!line.empty()) line.push_back(' ');
      line += sentences[k].norm;
    }
    line.push_back('\n');
    std::istringstream in(line);
    words.clear();
    labels.clear();
    m.model.getDictionary()->getLine(in, words, labels);
    predictions.clear();
    m.model.predict(-1, words, predictions, 0.0f);
    for (const auto& [logp, label] : predictions) {
      if (label < 0 || static_cast<std::size_t>(label) >= m.label_category.size()) continue;
      const auto& cat = m.label_category[label];
      if (!cat) continue;
      const int c = static_cast<int>(*cat);
      if (!wanted[c]) continue;
      const float p = std::exp(logp);
      const float t = m.threshold[c];
      if (p < t) continue;
      if (fired[c] == 0) span[c] = {sentences[w].start, sentences[last - 1].end};
      ++fired[c];
      if (p >= t + (1.0f - t) / 2) ++strong[c];
    }
  }
  // 4. The page's decision.
  for (int c = 0; c < kCategoryCount; ++c) {
    if (fired[c] == 0) continue;
    if (!short_text && strong[c] == 0 && fired[c] < 2) continue;
    out->push_back(Detection{static_cast<Category>(c), span[c].first, span[c].second, Detection::By::kModel});
  }
}

}  // namespace moisson::filters
