#include "filters/learned.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>
#include <sstream>

#include "core/file_util.h"
#include "core/keyed_hash.h"
#include "core/utf8.h"
#include "filters/language.h"

namespace moisson::filters {
namespace {

constexpr std::size_t kMaxSentenceBytes = 400;
constexpr std::string_view kMagic = "moisson-linear 1\n";

// Who a sentence is about. Normalised forms; a token with an apostrophe is
// also read as its part up to it ("j'", "m'") and its part after it ("qu'il").
constexpr const char* kFirstPerson[] = {
    "je", "j'", "moi", "me", "m'", "mon", "ma", "mes", "nous", "notre", "nos", "chui", "jsuis", "perso",
    "i", "i'm", "i've", "i'd", "i'll", "im", "ive", "my", "mine", "myself", "we", "we're", "we've", "our", "ours", "us",
};
constexpr const char* kOthers[] = {
    // French: pronouns, possessives, relations, titles
    "il", "elle", "ils", "elles", "lui", "leur", "leurs", "son", "sa", "ses", "tu", "t'", "ton", "ta", "tes", "vous",
    "votre", "vos", "fils", "fille", "filles", "enfant", "enfants", "mari", "femme", "épouse", "époux", "compagnon",
    "compagne", "copain", "copine", "frère", "sœur", "soeur", "père", "mère", "papa", "maman", "daronne", "daron",
    "oncle", "tante", "cousin", "cousine", "neveu", "nièce", "grand-mère", "grand-père", "mamie", "papi", "voisin",
    "voisine", "collègue", "collègues", "patron", "patronne", "chef", "ami", "amie", "pote", "élève", "patient",
    "patiente", "client", "cliente", "locataire", "mme", "mlle", "monsieur", "madame", "bébé", "ado", "jumeaux",
    "jumelles", "petit", "petite", "gamin", "gamine",
    // English
    "he", "she", "him", "her", "his", "hers", "they", "their", "them", "you", "your", "ur", "son", "daughter",
    "kid", "kids", "child", "children", "baby", "husband", "wife", "partner", "boyfriend", "girlfriend", "bf", "gf",
    "brother", "sister", "mother", "father", "mom", "mum", "dad", "mommy", "uncle", "aunt", "cousin", "nephew",
    "niece", "grandma", "grandpa", "grandmother", "grandfather", "neighbour", "neighbor", "colleague", "coworker",
    "boss", "friend", "pupil", "student", "patient", "client", "tenant", "mr", "mrs", "ms", "miss", "dr", "twins",
    "teen", "teenager", "toddler", "stepson", "stepdaughter",
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

constexpr std::uint64_t kFnvOffset = 1469598103934665603ull;
constexpr std::uint64_t kFnvPrime = 1099511628211ull;

std::uint64_t Fnv(std::string_view s, std::uint64_t h = kFnvOffset) {
  for (unsigned char c : s) h = (h ^ c) * kFnvPrime;
  return h;
}

// A feature's row: a word's (or stem's) hash mixed with the feature's kind
// (splitmix64's finaliser: every input bit reaches the low bits).
std::uint64_t Mix(std::uint64_t h, std::uint64_t kind) {
  h ^= kind * 0x9E3779B97F4A7C15ull;
  h ^= h >> 30;
  h *= 0xBF58476D1CE4E5B9ull;
  h ^= h >> 27;
  h *= 0x94D049BB133111EBull;
  h ^= h >> 31;
  return h;
}

enum Kind : std::uint64_t { kWord = 1, kPair = 2, kPrefix = 3, kSuffix = 4, kFirstPersonStem = 5, kOthersStem = 6 };

// The anchors of kFirstPerson and kOthers by the FNV hash of their bytes:
// an open-addressing table (64-bit hashes: a collision between a word and
// an anchor is not a concern at this size).
class AnchorTable {
 public:
  static const AnchorTable& Get() {
    static const AnchorTable* t = new AnchorTable();
    return *t;
  }
  // 1: first person, 2: others, 3: both ("me"? no: "son" is both a French
  // possessive and an English relation, both "others"), 0: none.
  int Find(std::uint64_t h) const {
    for (std::size_t i = h & (kSize - 1);; i = (i + 1) & (kSize - 1)) {
      if (slots_[i].hash == h) return slots_[i].kind;
      if (slots_[i].kind == 0) return 0;
    }
  }

 private:
  static constexpr std::size_t kSize = 1024;
  struct Slot {
    std::uint64_t hash = 0;
    int kind = 0;
  };
  AnchorTable() {
    for (const char* a : kFirstPerson) Insert(Fnv(a), 1);
    for (const char* a : kOthers) Insert(Fnv(a), 2);
  }
  void Insert(std::uint64_t h, int kind) {
    std::size_t i = h & (kSize - 1);
    while (slots_[i].kind != 0 && slots_[i].hash != h) i = (i + 1) & (kSize - 1);
    slots_[i].hash = h;
    slots_[i].kind |= kind;
  }
  std::array<Slot, kSize> slots_{};
};

struct Token {
  std::uint64_t hash;    // the token's bytes
  std::uint64_t stem;    // its first five letters (the token itself when shorter)
  std::uint64_t suffix;  // its last four letters; 0 when it has five or fewer
  bool content;          // more than three letters: crossed with who it is about
};

struct Sentence {
  std::uint32_t start = 0, end = 0;  // bytes of the original text
  std::uint32_t paragraph = 0;       // lines: a sentence never spans two
  std::uint32_t first_token = 0, last_token = 0;  // [first, last) of Parsed::tokens
  bool first_person = false, others = false;
  std::uint32_t letters = 0, latin = 0;  // letters, and those of the Latin script
};

struct Parsed {
  std::vector<Sentence> sentences;
  std::vector<Token> tokens;
};

// A token being read: its bytes as the model reads them (lower case,
// apostrophes made ASCII), with its hash, stem and apostrophe noted on the way.
class TokenReader {
 public:
  bool empty() const { return length_ == 0; }

  // With `keep`, a token's bytes are also kept whole, for Normalise (the
  // ring below keeps only its last kRing bytes).
  void KeepWhole(bool keep) { keep_ = keep; }

  // Appends one ASCII byte that is neither a blank, a punctuation mark nor an
  // apostrophe, already lowered: the common case, kept short.
  void AddPlain(char c) {
    if (code_points_ == 5) stem_ = hash_;
    ++code_points_;
    suffix_start_[code_points_ % 4] = length_;
    Put(c);
    hash_ = (hash_ ^ static_cast<unsigned char>(c)) * kFnvPrime;
  }

  // Appends one code point, already lowered.
  void Add(char32_t c) {
    if (code_points_ == 5) stem_ = hash_;
    ++code_points_;
    const std::size_t from = length_;
    char utf8[4];
    std::size_t n = 0;
    if (c < 0x80) {
      utf8[n++] = static_cast<char>(c);
    } else {
      std::string tmp;
      AppendUtf8(c, &tmp);
      for (char b : tmp) utf8[n++] = b;
    }
    for (std::size_t i = 0; i < n; ++i) {
      Put(utf8[i]);
      hash_ = (hash_ ^ static_cast<unsigned char>(utf8[i])) * kFnvPrime;
    }
    if (c == '\'' && apostrophe_ == kNone) {
      apostrophe_ = length_;
      up_to_apostrophe_ = hash_;
    }
    suffix_start_[code_points_ % 4] = from;  // the last four code points' starts, in a ring
  }

  // Ends the token: appends it to *tokens, notes who it names in *s, and
  // (for Normalise) appends its bytes and a space to *norm.
  void Finish(Sentence* s, std::vector<Token>* tokens, std::string* norm) {
    if (length_ == 0) return;
    // Written field by field in place: a Token built aside and copied in
    // was reloaded as a whole right after its fields were stored (a
    // store-forwarding stall, the stage's hottest instruction).
    Token& t = tokens->emplace_back();
    t.hash = hash_;
    t.stem = code_points_ <= 5 ? hash_ : stem_;
    t.suffix = code_points_ > 5 ? HashFrom(suffix_start_[(code_points_ + 1) % 4]) : 0;
    t.content = code_points_ > 3;
    const AnchorTable& anchors = AnchorTable::Get();
    int who = anchors.Find(hash_);
    // "j'ai", "qu'il": the part up to the apostrophe and the part after it
    // (which, past the ring, is too long to be an anchor).
    if (apostrophe_ != kNone) {
      who |= anchors.Find(up_to_apostrophe_);
      if (length_ - apostrophe_ <= kRing) who |= anchors.Find(HashFrom(apostrophe_)) & 2;
    }
    s->first_person |= (who & 1) != 0;
    s->others |= (who & 2) != 0;
    if (norm) {
      norm->append(whole_);
      norm->push_back(' ');
    }
    whole_.clear();
    length_ = 0;
    hash_ = kFnvOffset;
    stem_ = 0;
    code_points_ = 0;
    apostrophe_ = kNone;
  }

 private:
  // The token's last kRing bytes, by their offset in the token modulo
  // kRing: enough for a suffix (four code points) and any anchor.
  static constexpr std::size_t kRing = 64;
  static constexpr std::size_t kNone = ~std::size_t{0};

  void Put(char c) {
    ring_[length_ % kRing] = c;
    ++length_;
    if (keep_) whole_.push_back(c);
  }
  // FNV of the token's bytes from offset `from` (within the ring) to its end.
  std::uint64_t HashFrom(std::size_t from) const {
    std::uint64_t h = kFnvOffset;
    for (std::size_t i = from; i < length_; ++i) h = (h ^ static_cast<unsigned char>(ring_[i % kRing])) * kFnvPrime;
    return h;
  }

  std::array<char, kRing> ring_;  // read only where written
  std::size_t length_ = 0;
  bool keep_ = false;
  std::string whole_;
  std::uint64_t hash_ = kFnvOffset, stem_ = 0, up_to_apostrophe_ = 0;
  std::size_t code_points_ = 0, apostrophe_ = kNone;
  std::array<std::size_t, 4> suffix_start_{};
};

// Calls f(row hash) for each feature of one sentence (the header's list).
template <typename F>
void ForEachFeature(const Sentence& s, const std::vector<Token>& tokens, F&& f) {
  for (std::uint32_t i = s.first_token; i < s.last_token; ++i) {
    const Token& t = tokens[i];
    f(Mix(t.hash, kWord));
    if (i > s.first_token) f(Mix(tokens[i - 1].hash * 0x9E3779B97F4A7C15ull + t.hash, kPair));
    if (t.suffix != 0) {
      f(Mix(t.stem, kPrefix));
      f(Mix(t.suffix, kSuffix));
    }
    if (t.content) {
      if (s.first_person) f(Mix(t.stem, kFirstPersonStem));
      if (s.others) f(Mix(t.stem, kOthersStem));
    }
  }
}

// ASCII bytes by what Parse does with them: kSlow for blanks, punctuation,
// apostrophes and non-ASCII bytes (the general path), else a byte inside a
// token: a lower or upper case letter, or another plain byte (digit, symbol).
enum : std::uint8_t { kSlow = 0, kLower = 1, kUpper = 2, kPlain = 3 };
constexpr std::array<std::uint8_t, 256> kAsciiKind = [] {
  std::array<std::uint8_t, 256> t{};
  for (int c = 0x21; c < 0x7F; ++c) t[c] = kPlain;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kLower;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kUpper;
  for (char c : std::string_view(".,;:!?()[]\"'")) t[static_cast<unsigned char>(c)] = kSlow;
  return t;
}();

// Reads `text` in one pass: cuts it into sentences (at . ! ? followed by a
// space or the end, at every line end, which also starts a new paragraph,
// and at a space past kMaxSentenceBytes) and each sentence into tokens (runs
// of letters and digits, and each punctuation mark alone), counting its
// letters and those of the Latin script as filters/language.h does. With
// `norm`, also writes the tokens as LearnedDetector::Normalise gives them.
void Parse(std::string_view text, Parsed* out, std::string* norm = nullptr) {
  out->sentences.clear();
  out->tokens.clear();
  // On the stack, not thread_local: its fields then live in registers
  // across the byte loop (a thread_local's are loaded and stored through
  // the thread pointer at every byte).
  TokenReader token;
  token.KeepWhole(norm != nullptr);
  Sentence s;
  std::size_t start = 0;       // of the sentence being read
  bool between = true;         // no sentence open: blanks are skipped
  std::uint32_t paragraph = 0;
  auto end_sentence = [&](std::size_t end) {
    token.Finish(&s, &out->tokens, norm);
    if (end > start) {
      s.start = static_cast<std::uint32_t>(start);
      s.end = static_cast<std::uint32_t>(end);
      s.paragraph = paragraph;
      s.last_token = static_cast<std::uint32_t>(out->tokens.size());
      out->sentences.push_back(s);
    }
    s = Sentence();
    between = true;
  };
  std::size_t i = 0;
  while (i < text.size()) {
    if (between) {
      while (i < text.size() && (text[i] == ' ' || text[i] == '\n' || text[i] == '\t' || text[i] == '\r')) {
        paragraph += text[i] == '\n';
        ++i;
      }
      if (i == text.size()) break;
      start = i;
      s.first_token = static_cast<std::uint32_t>(out->tokens.size());
      between = false;
    }
    const std::size_t at = i;
    const auto b = static_cast<unsigned char>(text[i]);
    if (const std::uint8_t kind = kAsciiKind[b]; kind != kSlow) {
      // An ASCII letter or digit (or a symbol such as - / @): inside a token.
      token.AddPlain(static_cast<char>(kind == kUpper ? b + 32 : b));
      s.letters += kind != kPlain;
      s.latin += kind != kPlain;
      ++i;
      continue;
    }
    char32_t c;
    if (b < 0x80) {
      c = b;
      ++i;
    } else {
      c = NextCodePoint(text, &i);
      if (c == 0x2019 || c == 0x2018) c = '\'';
    }
    const bool is_latin = (c < 0x80 && ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')) ||
                          (c >= 0xC0 && c <= 0x24F && c != 0xD7 && c != 0xF7);
    const bool is_other = c >= 0x370 && c != 0xFFFD && !(c >= 0x2000 && c <= 0x2BFF) && !(c >= 0x3000 && c <= 0x303F);
    s.letters += is_latin || is_other;
    s.latin += is_latin;
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x202F || c == '\f' || c == '\v') {
      token.Finish(&s, &out->tokens, norm);
      if (c == '\n') {
        end_sentence(i);
        ++paragraph;
      } else if (c == ' ' && at - start >= kMaxSentenceBytes) {
        end_sentence(at);
      }
    } else if (IsPunct(c)) {
      token.Finish(&s, &out->tokens, norm);
      token.Add(c);
      token.Finish(&s, &out->tokens, norm);
      if ((c == '.' || c == '!' || c == '?') && (i == text.size() || text[i] == ' ' || text[i] == '\n')) end_sentence(i);
    } else {
      token.Add(c < 0x80 ? (c >= 'A' && c <= 'Z' ? c + 32 : c) : Lower(c));
    }
  }
  if (!between) end_sentence(text.size());
}

struct Window {
  std::size_t first, last;  // sentences [first, last)
};

// The windows of step 1 that pass the gates of step 2.
void Windows(const std::vector<Sentence>& sentences, std::vector<Window>* kept) {
  kept->clear();
  const bool short_text = sentences.size() <= LearnedDetector::kShortWindows;
  auto consider = [&](std::size_t first, std::size_t last) {
    bool anchor = false;
    std::size_t words = 0, letters = 0, latin = 0;
    for (std::size_t k = first; k < last; ++k) {
      anchor |= sentences[k].first_person || sentences[k].others;
      words += sentences[k].last_token - sentences[k].first_token;
      letters += sentences[k].letters;
      latin += sentences[k].latin;
    }
    if (!anchor || latin * 2 < letters || words < LearnedDetector::kMinWindowWords) return;
    kept->push_back({first, last});
  };
  if (short_text) {
    if (!sentences.empty()) consider(0, sentences.size());
    return;
  }
  std::size_t a = 0;
  while (a < sentences.size()) {
    std::size_t b = a;
    while (b < sentences.size() && sentences[b].paragraph == sentences[a].paragraph) ++b;
    if (b - a <= LearnedDetector::kParagraphSentences) {
      consider(a, b);
    } else {
      for (std::size_t s = a; s < b; ++s) consider(s, std::min(b, s + LearnedDetector::kWindowSentences));
    }
    a = b;
  }
}

}  // namespace

struct LearnedDetector::Impl {
  // A row holds the weights of one hashed feature for every class, as
  // int16 (class c's weight = value * scale[c]), padded to kLanes: one
  // aligned 32-byte load per feature, summed in int32.
  static constexpr std::size_t kLanes = 16;
  using Row = std::array<std::int32_t, kLanes>;

  std::string version;
  unsigned bits = 0;
  std::vector<std::optional<Category>> labels;  // the model's classes, in its order
  std::vector<float> bias, scale;               // per class
  std::vector<std::int16_t> weights;            // 2^bits rows of kLanes
  std::array<float, kCategoryCount> threshold{};  // > 1: off

  // Per class, the sum of the (quantised) weights of one sentence's features.
  void SentenceSums(const Sentence& s, const std::vector<Token>& tokens, Row* z) const {
    const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
    // The rows are spread over megabytes: name a batch of them first and
    // ask for them ahead (the loads overlap instead of waiting on memory one
    // by one), then sum; the batch is a local array (nothing to grow).
    constexpr std::size_t kBatch = 128;
    std::uint32_t rows[kBatch];
    std::size_t n = 0;
    Row acc{};
    auto sum = [&] {
      for (std::size_t i = 0; i < n; ++i) {
        const std::int16_t* row = &weights[std::size_t{rows[i]} * kLanes];
        for (std::size_t c = 0; c < kLanes; ++c) acc[c] += row[c];
      }
      n = 0;
    };
    ForEachFeature(s, tokens, [&](std::uint64_t h) {
      const auto r = static_cast<std::uint32_t>(h & mask);
      __builtin_prefetch(&weights[std::size_t{r} * kLanes]);
      rows[n++] = r;
      if (n == kBatch) sum();
    });
    sum();
    *z = acc;
  }

  // Calls f(sentences, window, category, probability) for each scored
  // window and class.
  template <typename F>
  void Score(std::string_view text, F&& f) const {
    thread_local Parsed parsed;
    thread_local std::vector<Window> windows;
    thread_local std::vector<Row> z;
    thread_local std::vector<char> done;
    Parse(text, &parsed);
    Windows(parsed.sentences, &windows);
    if (windows.empty()) return;
    const std::size_t k = labels.size();
    z.resize(parsed.sentences.size());
    done.assign(parsed.sentences.size(), 0);
    for (const Window& w : windows) {
      Row sum{};
      for (std::size_t s = w.first; s < w.last; ++s) {
        if (!done[s]) {
          SentenceSums(parsed.sentences[s], parsed.tokens, &z[s]);
          done[s] = 1;
        }
        for (std::size_t c = 0; c < kLanes; ++c) sum[c] += z[s][c];
      }
      for (std::size_t c = 0; c < k; ++c) {
        if (!labels[c]) continue;
        const float logit = bias[c] + static_cast<float>(sum[c]) * scale[c];
        f(parsed.sentences, w, *labels[c], 1.0f / (1.0f + std::exp(-logit)));
      }
    }
  }
};

std::string LearnedDetector::Normalise(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 16);
  Parsed parsed;
  Parse(text, &parsed, &out);
  if (!out.empty()) out.pop_back();  // the space after the last token
  return out;
}

std::vector<std::pair<std::uint32_t, float>> LearnedDetector::Features(std::string_view text, unsigned bits) {
  const std::uint64_t mask = (std::uint64_t{1} << bits) - 1;
  Parsed parsed;
  Parse(text, &parsed);
  std::vector<std::uint32_t> ids;
  for (const Sentence& s : parsed.sentences) {
    ForEachFeature(s, parsed.tokens, [&](std::uint64_t h) { ids.push_back(static_cast<std::uint32_t>(h & mask) + 1); });
  }
  std::sort(ids.begin(), ids.end());
  std::vector<std::pair<std::uint32_t, float>> out;
  for (std::uint32_t id : ids) {
    if (!out.empty() && out.back().first == id) out.back().second += 1;
    else out.emplace_back(id, 1.0f);
  }
  return out;
}

Result<LearnedDetector> LearnedDetector::Load(const std::string& model_dir) {
  const std::string dir = model_dir.empty() ? std::string(MOISSON_FILTERS_DATA_DIR) + "/model" : model_dir;
  const std::string model_path = dir + "/sensitive.lin";
  auto bytes = ReadFileToString(model_path, 64u << 20);
  if (!bytes.ok()) return Status::NotFound(model_path + ": cannot read the learned stage's model (" + bytes.status().message() + ")");
  const std::string thresholds_path = dir + "/thresholds.tsv";
  auto thresholds = ReadFileToString(thresholds_path);
  if (!thresholds.ok()) return thresholds.status();
  return FromBytes(*bytes, *thresholds, model_path, thresholds_path);
}

Result<LearnedDetector> LearnedDetector::FromBytes(std::string_view model, std::string_view thresholds,
                                                   const std::string& model_name,
                                                   const std::string& thresholds_name) {
  auto impl = std::make_shared<Impl>();
  // The format (written by scripts/train_detection_model.py):
  //   moisson-linear 1
  //   features VERSION bits B
  //   labels CATEGORY...          (K classes)
  //   scale S...                  (per class: weight = int16 * S)
  //   bias B...                   (per class)
  //   weights
  //   2^B rows of K little-endian int16
  const std::string_view data = model;
  auto bad = [&](const std::string& why) {
    return Status::InvalidArgument(model_name + ": not a moisson linear model (" + why + ")");
  };
  if (data.substr(0, kMagic.size()) != kMagic) return bad("no 'moisson-linear 1' header");
  const std::size_t body = data.find("weights\n");
  if (body == std::string_view::npos) return bad("no weights");
  std::istringstream head(std::string(data.substr(kMagic.size(), body - kMagic.size())));
  std::string line, word;
  int version = 0;
  std::vector<float>& scale = impl->scale;
  while (std::getline(head, line)) {
    std::istringstream fields(line);
    fields >> word;
    if (word == "features") {
      std::string bits_word;
      if (!(fields >> version >> bits_word >> impl->bits) || bits_word != "bits" || impl->bits < 8 || impl->bits > 24) {
        return bad("malformed 'features' line");
      }
    } else if (word == "labels") {
      while (fields >> word) {
        auto c = ParseCategory(word);
        if (!c || !(IsSensitive(*c) || *c == Category::kMinor)) return bad("not a sensitive.* or minor label: " + word);
        impl->labels.push_back(c);
      }
    } else if (word == "scale" || word == "bias") {
      std::vector<float>& v = word == "scale" ? scale : impl->bias;
      float x = 0;
      while (fields >> x) v.push_back(x);
    } else {
      return bad("unknown header line '" + word + "'");
    }
  }
  if (version != kFeaturesVersion) {
    return bad("trained on features version " + std::to_string(version) + ", this build reads version " +
               std::to_string(kFeaturesVersion) + ": retrain with scripts/train_detection_model.py");
  }
  const std::size_t k = impl->labels.size();
  if (k == 0 || k > Impl::kLanes || scale.size() != k || impl->bias.size() != k) {
    return bad("labels, scale and bias disagree");
  }
  const std::size_t rows = std::size_t{1} << impl->bits;
  const std::size_t start = body + std::strlen("weights\n");
  if (data.size() - start != rows * k * 2) {
    return bad("expected " + std::to_string(rows * k * 2) + " bytes of weights, found " + std::to_string(data.size() - start));
  }
  impl->weights.assign(rows * Impl::kLanes, 0);
  for (std::size_t r = 0; r < rows; ++r) {
    for (std::size_t c = 0; c < k; ++c) {
      const std::size_t at = start + 2 * (r * k + c);
      const auto lo = static_cast<unsigned char>(data[at]);
      const auto hi = static_cast<unsigned char>(data[at + 1]);
      impl->weights[r * Impl::kLanes + c] = static_cast<std::int16_t>(static_cast<std::uint16_t>(lo | (hi << 8)));
    }
  }
  impl->version = "sensitive.lin sha256:" + Sha256Hex(data);
  impl->threshold.fill(2.0f);
  std::istringstream tin{std::string(thresholds)};
  int line_no = 0;
  while (std::getline(tin, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string cat;
    float t = 0;
    if (!(fields >> cat >> t)) return Status::AtLine(thresholds_name, line_no, "expected: category threshold ...");
    auto c = ParseCategory(cat);
    if (!c || !(IsSensitive(*c) || *c == Category::kMinor)) {
      return Status::AtLine(thresholds_name, line_no, "not a sensitive.* or minor category: " + cat);
    }
    impl->threshold[static_cast<int>(*c)] = t;
  }
  return LearnedDetector(std::move(impl));
}

const std::string& LearnedDetector::version() const { return impl_->version; }

std::array<float, kCategoryCount> LearnedDetector::Scores(std::string_view text) const {
  std::array<float, kCategoryCount> best{};
  impl_->Score(text, [&](const std::vector<Sentence>&, const Window&, Category c, float p) {
    float& b = best[static_cast<int>(c)];
    b = std::max(b, p);
  });
  return best;
}

void LearnedDetector::Detect(std::string_view text, const std::vector<Detection>& skip,
                             std::vector<Detection>* out) const {
  const Impl& m = *impl_;
  std::array<bool, kCategoryCount> wanted{};
  bool any = false;
  for (int c = 0; c < kCategoryCount; ++c) wanted[c] = m.threshold[c] <= 1.0f;
  for (const Detection& d : skip) wanted[static_cast<int>(d.category)] = false;
  for (bool w : wanted) any |= w;
  if (!any) return;
  // The first window that fires gives the finding its span.
  std::array<bool, kCategoryCount> fired{};
  std::array<std::pair<std::uint32_t, std::uint32_t>, kCategoryCount> span{};
  m.Score(text, [&](const std::vector<Sentence>& sentences, const Window& w, Category cat, float p) {
    const int c = static_cast<int>(cat);
    if (!wanted[c] || fired[c] || p < m.threshold[c]) return;
    fired[c] = true;
    span[c] = {sentences[w.first].start, sentences[w.last - 1].end};
  });
  for (int c = 0; c < kCategoryCount; ++c) {
    if (fired[c]) out->push_back(Detection{static_cast<Category>(c), span[c].first, span[c].second, Detection::By::kModel});
  }
}

}  // namespace moisson::filters
