#include "policy/robots.h"

#include <algorithm>
#include <cstring>

#include "core/url.h"
#include "core/strings.h"

namespace moisson::policy {
namespace {

// Splits one line into key and value as google/robotstxt GetKeyAndValueFrom
// does (google mode) or as RFC 9309 2.2 reads it (rfc mode).
bool GetKeyAndValue(std::string_view line, RobotsMode mode, std::string_view* key,
                    std::string_view* value, RobotsLineMetadata* meta) {
  const std::size_t hash = line.find('#');
  if (hash != std::string_view::npos) {
    meta->has_comment = true;
    line = line.substr(0, hash);
  }
  line = TrimAsciiSpace(line);
  if (line.empty()) {
    if (meta->has_comment) {
      meta->is_comment = true;
    } else {
      meta->is_empty = true;
    }
    return false;
  }
  std::size_t sep = line.find(':');
  if (sep == std::string_view::npos && mode == RobotsMode::kGoogle) {
    // Google accepts whitespace for a forgotten colon, but only between
    // exactly two words.
    sep = line.find_first_of(" \t");
    if (sep != std::string_view::npos) {
      const std::size_t val = line.find_first_not_of(" \t", sep);
      if (line.find_first_of(" \t", val) != std::string_view::npos) return false;
      meta->is_missing_colon_separator = true;
    }
  }
  if (sep == std::string_view::npos) return false;
  *key = TrimAsciiSpace(line.substr(0, sep));
  if (key->empty()) return false;
  *value = TrimAsciiSpace(line.substr(sep + 1));
  return true;
}

}  // namespace

RobotsKey ClassifyRobotsKey(std::string_view key, RobotsMode mode, bool* typo, bool* prefix) {
  *typo = false;
  *prefix = false;
  if (mode == RobotsMode::kRfc) {
    if (EqualsIgnoreCase(key, "user-agent")) return RobotsKey::kUserAgent;
    if (EqualsIgnoreCase(key, "allow")) return RobotsKey::kAllow;
    if (EqualsIgnoreCase(key, "disallow")) return RobotsKey::kDisallow;
    if (EqualsIgnoreCase(key, "sitemap")) return RobotsKey::kSitemap;
    return RobotsKey::kUnknown;
  }
  // google/robotstxt Key::Parse: the same order, prefix matches, typos.
  auto match = [&](std::string_view canonical, std::initializer_list<std::string_view> typos) {
    if (StartsWithIgnoreCase(key, canonical)) {
      *prefix = key.size() != canonical.size();
      return true;
    }
    for (std::string_view t : typos) {
      if (StartsWithIgnoreCase(key, t)) {
        *typo = true;
        *prefix = key.size() != t.size();
        return true;
      }
    }
    return false;
  };
  if (match("user-agent", {"useragent", "user agent"})) return RobotsKey::kUserAgent;
  if (match("allow", {})) return RobotsKey::kAllow;
  if (match("disallow", {"dissallow", "dissalow", "disalow", "diasllow", "disallaw"})) {
    return RobotsKey::kDisallow;
  }
  if (match("sitemap", {"site-map"})) return RobotsKey::kSitemap;
  return RobotsKey::kUnknown;
}

void ParseRobotsTxt(std::string_view body, RobotsMode mode, RobotsParseHandler* handler) {
  std::size_t ignored = 0;
  if (body.size() > kMaxRobotsBytes) {
    std::string_view head = body.substr(0, kMaxRobotsBytes);
    const char next = body[kMaxRobotsBytes];
    if (next != '\n' && next != '\r') {
      // The limit cuts a line: drop it whole. Half a rule can mean more than
      // the rule ("Allow: /public-archive" read as "Allow: /pu").
      const std::size_t last_end = head.find_last_of("\r\n");
      head = last_end == std::string_view::npos ? std::string_view() : head.substr(0, last_end + 1);
    }
    ignored = body.size() - head.size();
    body = head;
  }

  handler->HandleRobotsStart();
  // Byte order mark: google skips a full or partial EF BB BF prefix; the RFC
  // says nothing, so rfc mode skips only a whole one.
  static constexpr unsigned char kBom[3] = {0xEF, 0xBB, 0xBF};
  if (mode == RobotsMode::kGoogle) {
    std::size_t k = 0;
    while (k < 3 && k < body.size() && static_cast<unsigned char>(body[k]) == kBom[k]) ++k;
    body.remove_prefix(k);
  } else if (body.size() >= 3 && static_cast<unsigned char>(body[0]) == kBom[0] &&
             static_cast<unsigned char>(body[1]) == kBom[1] &&
             static_cast<unsigned char>(body[2]) == kBom[2]) {
    body.remove_prefix(3);
  }

  auto emit = [&](int line_num, std::string_view line) {
    RobotsLineMetadata meta;
    if (mode == RobotsMode::kGoogle) {
      // google copies the line into a C string: a NUL ends it.
      const std::size_t nul = line.find('\0');
      if (nul != std::string_view::npos) line = line.substr(0, nul);
      if (line.size() > kGoogleMaxLineBytes) {
        line = line.substr(0, kGoogleMaxLineBytes);
        meta.is_line_too_long = true;
      }
    }
    std::string_view key, value;
    if (!GetKeyAndValue(line, mode, &key, &value, &meta)) {
      handler->ReportLineMetadata(line_num, meta);
      return;
    }
    switch (ClassifyRobotsKey(key, mode, &meta.is_acceptable_typo, &meta.is_prefix_key)) {
      case RobotsKey::kUserAgent: handler->HandleUserAgent(line_num, value); break;
      case RobotsKey::kAllow: handler->HandleAllow(line_num, value); break;
      case RobotsKey::kDisallow: handler->HandleDisallow(line_num, value); break;
      case RobotsKey::kSitemap: handler->HandleSitemap(line_num, value); break;
      case RobotsKey::kUnknown: handler->HandleUnknownAction(line_num, key, value); break;
    }
    meta.has_directive = true;
    handler->ReportLineMetadata(line_num, meta);
  };

  // CR, LF and CRLF each end a line; like google, the text after the last line
  // end is one more line even when empty.
  int line_num = 0;
  std::size_t start = 0;
  // (Line ends found byte by byte: string_view::find_first_of calls memchr
  // on its set of two for every byte of the body, a fifth of the parse.)
  const auto line_end = [&](std::size_t from) {
    const char* p = body.data() + from;
    const char* const end = body.data() + body.size();
    while (p != end && *p != '\n' && *p != '\r') ++p;
    return p == end ? std::string_view::npos : static_cast<std::size_t>(p - body.data());
  };
  while (true) {
    const std::size_t end = line_end(start);
    if (end == std::string_view::npos) {
      emit(++line_num, body.substr(start));
      break;
    }
    emit(++line_num, body.substr(start, end - start));
    start = end + 1;
    if (body[end] == '\r' && start < body.size() && body[start] == '\n') ++start;
  }
  if (ignored > 0) handler->ReportSizeLimit(body.size(), ignored);
  handler->HandleRobotsEnd();
}

std::string_view ExtractProductToken(std::string_view value) {
  std::size_t n = 0;
  while (n < value.size()) {
    const char c = value[n];
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' || c == '_';
    if (!ok) break;
    ++n;
  }
  return value.substr(0, n);
}

std::string GoogleEscapePattern(std::string_view src) {
  std::string out;
  out.reserve(src.size());
  for (std::size_t i = 0; i < src.size(); ++i) {
    const auto c = static_cast<unsigned char>(src[i]);
    if (c == '%' && i + 2 < src.size() && HexDigitValue(src[i + 1]) >= 0 && HexDigitValue(src[i + 2]) >= 0) {
      out.push_back('%');
      out.push_back(kHexUpper[HexDigitValue(src[i + 1])]);
      out.push_back(kHexUpper[HexDigitValue(src[i + 2])]);
      i += 2;
    } else if (c & 0x80) {
      out.push_back('%');
      out.push_back(kHexUpper[c >> 4]);
      out.push_back(kHexUpper[c & 15]);
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  return out;
}

namespace {

// Writes `p` (a google-mode pattern without its final '$') to `dest` with a
// NUL for each '*'; true when there was one.
bool CopyWithWildcards(std::string_view p, char* dest) {
  if (p.empty()) return false;
  std::memcpy(dest, p.data(), p.size());
  bool wildcard = false;
  for (char* star = static_cast<char*>(std::memchr(dest, '*', p.size())); star != nullptr;
       star = static_cast<char*>(std::memchr(star + 1, '*', p.size() - static_cast<std::size_t>(star + 1 - dest)))) {
    *star = '\0';
    wildcard = true;
  }
  return wildcard;
}

}  // namespace

PathPattern PathPattern::Google(std::string_view p) {
  PathPattern out;
  out.length_ = static_cast<int>(p.size());
  if (!p.empty() && p.back() == '$') {
    out.anchored_ = true;
    p.remove_suffix(1);
  }
  std::shared_ptr<char[]> text(new char[p.size() + 1]);
  out.wildcard_ = CopyWithWildcards(p, text.get());
  out.text_ = std::string_view(text.get(), p.size());
  out.owned_ = std::move(text);
  return out;
}

PathPattern PathPattern::Rfc(std::string_view p) {
  PathPattern out;
  if (!p.empty() && p.back() == '$') {
    out.anchored_ = true;
    p.remove_suffix(1);
  }
  std::string text;
  text.reserve(p.size());
  int length = out.anchored_ ? 1 : 0;
  for (std::size_t i = 0; i < p.size(); ++i) {
    const auto c = static_cast<unsigned char>(p[i]);
    if (c == '*') {
      ++length;
      text.push_back('\0');
      out.wildcard_ = true;
      continue;
    }
    const int hi = i + 2 < p.size() ? HexDigitValue(p[i + 1]) : -1;
    const int lo = i + 2 < p.size() ? HexDigitValue(p[i + 2]) : -1;
    if (c == '%' && hi >= 0 && lo >= 0) {
      const auto v = static_cast<unsigned char>(hi * 16 + lo);
      // RFC 9309 2.2.3: %2A and %24 stand for literal '*' and '$'.
      if (IsUnreservedChar(v) || v == '*' || v == '$') {
        text.push_back(static_cast<char>(v));
        length += 1;
      } else {
        text.push_back('%');
        text.push_back(kHexUpper[hi]);
        text.push_back(kHexUpper[lo]);
        length += 3;
      }
      i += 2;
    } else if (c == '%') {
      text.append("%25");
      length += 3;
    } else if (MustPercentEncode(c)) {
      text.push_back('%');
      text.push_back(kHexUpper[c >> 4]);
      text.push_back(kHexUpper[c & 15]);
      length += 3;
    } else {
      text.push_back(static_cast<char>(c));
      length += 1;
    }
  }
  out.length_ = length;
  std::shared_ptr<char[]> owned(new char[text.size() + 1]);
  if (!text.empty()) std::memcpy(owned.get(), text.data(), text.size());
  out.text_ = std::string_view(owned.get(), text.size());
  out.owned_ = std::move(owned);
  return out;
}

bool PathPattern::Matches(std::string_view path) const {
  std::string_view rest = text_;
  if (!wildcard_) return anchored_ ? path == rest : path.starts_with(rest);
  // The literal runs between wildcards: the first must start the path, the
  // middle ones are placed leftmost (optimal for '*'-only globs), the last
  // ends the path when anchored, else is found anywhere after them.
  const std::size_t first_star = rest.find('\0');
  if (!path.starts_with(rest.substr(0, first_star))) return false;
  std::size_t pos = first_star;
  rest.remove_prefix(first_star + 1);
  const std::size_t last_star = rest.rfind('\0');
  const std::string_view last = last_star == std::string_view::npos ? rest : rest.substr(last_star + 1);
  std::string_view middle = last_star == std::string_view::npos ? std::string_view() : rest.substr(0, last_star);
  while (!middle.empty()) {
    const std::size_t star = middle.find('\0');
    const std::string_view piece = middle.substr(0, star);
    if (!piece.empty()) {
      const std::size_t found = path.find(piece, pos);
      if (found == std::string_view::npos) return false;
      pos = found + piece.size();
    }
    if (star == std::string_view::npos) break;
    middle.remove_prefix(star + 1);
  }
  if (anchored_) return path.size() >= pos + last.size() && path.ends_with(last);
  return last.empty() || path.find(last, pos) != std::string_view::npos;
}

std::string RuleText(const RobotsRule& rule) {
  std::string out(rule.allow ? "Allow: " : "Disallow: ");
  out.append(rule.value);
  return out;
}

// Builds a RobotsTxt from the parser's callbacks.
class RobotsTxtBuilder : public RobotsParseHandler {
 public:
  // `body_size` sizes the first block of the file's storage: the strings
  // kept are pieces of the body, so one block of about its size holds them.
  RobotsTxtBuilder(RobotsTxt* out, std::size_t body_size) : out_(out), first_block_(body_size + 64) {}

  void HandleUserAgent(int line, std::string_view value) override {
    if (current_ == nullptr || seen_rule_) {
      out_->groups_.emplace_back();
      current_ = &out_->groups_.back();
      seen_rule_ = false;
    }
    const std::size_t index = out_->groups_.size() - 1;
    RobotsAgentLine& agent = current_->agents.emplace_back();
    agent.line = line;
    agent.value = Keep(value);
    if (out_->mode_ == RobotsMode::kGoogle) {
      // "* anything" is the global agent in Google's reading.
      agent.global = !value.empty() && value[0] == '*' && (value.size() == 1 || IsAsciiSpace(value[1]));
      if (!agent.global) {
        // An empty token is indexed too: google compares it with the agent
        // as given, so an empty agent matches "User-agent: 123".
        AddIndex(&token_pairs_, ExtractProductToken(value), index);
        if (!value.empty()) AddIndex(&value_pairs_, value, index);
      }
    } else {
      agent.global = value == "*";
      if (!agent.global && !value.empty()) {
        AddIndex(&token_pairs_, value, index);
        const std::string_view token = ExtractProductToken(value);
        if (!token.empty()) AddIndex(&value_pairs_, token, index);
      }
    }
    if (agent.global && !current_->global) {
      current_->global = true;
      out_->global_groups_.push_back(index);
    }
  }

  void HandleAllow(int line, std::string_view value) override { AddRule(true, line, value); }
  void HandleDisallow(int line, std::string_view value) override { AddRule(false, line, value); }

  void HandleSitemap(int line, std::string_view value) override {
    out_->sitemaps_.push_back({line, "sitemap", Keep(value)});
  }

  void HandleUnknownAction(int line, std::string_view key, std::string_view value) override {
    char* k = Reserve(key.size());
    for (std::size_t i = 0; i < key.size(); ++i) k[i] = AsciiLowerChar(key[i]);
    RobotsRecord r{line, std::string_view(k, key.size()), Keep(value)};
    if (current_ == nullptr) {
      out_->orphan_records_.push_back(std::move(r));
    } else {
      current_->records.push_back(std::move(r));
    }
  }

  void ReportSizeLimit(std::size_t parsed, std::size_t ignored) override { out_->ignored_bytes_ = ignored; }

 private:
  // Space for n bytes in the file's storage: the current block, else a new
  // one (the first about the body's size, later ones at least 4 KiB).
  char* Reserve(std::size_t n) {
    if (n > block_left_) {
      const std::size_t size = std::max(n, out_->storage_.empty() ? first_block_ : std::size_t{4096});
      out_->storage_.emplace_back(new char[size]);
      block_ = out_->storage_.back().get();
      block_left_ = size;
    }
    char* at = block_;
    block_ += n;
    block_left_ -= n;
    return at;
  }
  std::string_view Keep(std::string_view s) {
    if (s.empty()) return {};
    char* at = Reserve(s.size());
    std::memcpy(at, s.data(), s.size());
    return {at, s.size()};
  }
  // A google-mode pattern kept in the file's storage; `escaped` is already
  // there when it is the rule's own value with nothing to change.
  PathPattern KeepGooglePattern(std::string_view escaped, bool escaped_is_kept) {
    PathPattern out;
    out.length_ = static_cast<int>(escaped.size());
    std::string_view p = escaped;
    if (!p.empty() && p.back() == '$') {
      out.anchored_ = true;
      p.remove_suffix(1);
    }
    if (p.empty() || (escaped_is_kept && std::memchr(p.data(), '*', p.size()) == nullptr)) {
      out.text_ = p;  // the value's own bytes
      return out;
    }
    char* at = Reserve(p.size());
    out.wildcard_ = CopyWithWildcards(p, at);
    out.text_ = std::string_view(at, p.size());
    return out;
  }

  // Notes group `index` under `name` lower-cased, for the index built at
  // the end (HandleRobotsEnd).
  void AddIndex(std::vector<std::pair<std::string_view, std::size_t>>* pairs, std::string_view name,
                std::size_t index) {
    char* at = Reserve(name.size());
    for (std::size_t i = 0; i < name.size(); ++i) at[i] = AsciiLowerChar(name[i]);
    pairs->emplace_back(std::string_view(name.empty() ? "" : at, name.size()), index);
  }

 public:
  void HandleRobotsEnd() override {
    out_->by_token_.Build(&token_pairs_);
    out_->by_value_.Build(&value_pairs_);
  }

 private:

  void AddRule(bool allow, int line, std::string_view value) {
    if (current_ == nullptr) return;  // before any user-agent line: ignored (RFC 9309 2.1)
    seen_rule_ = true;
    RobotsRule& rule = current_->rules.emplace_back();
    rule.allow = allow;
    rule.line = line;
    rule.value = Keep(value);
    if (out_->mode_ == RobotsMode::kGoogle) {
      // Most values have nothing to escape (no '%', no octet >= 0x80).
      unsigned char high = 0;
      bool percent = false;
      for (const char c : value) {
        high |= static_cast<unsigned char>(c);
        percent |= c == '%';
      }
      const bool plain = high < 0x80 && !percent;
      std::string escaped_copy;
      if (!plain) escaped_copy = GoogleEscapePattern(value);
      const std::string_view escaped = plain ? rule.value : std::string_view(escaped_copy);
      rule.pattern = KeepGooglePattern(escaped, plain);
      if (allow) {
        // google: "Allow: /d/index.htm..." that does not match retries as "/d/$".
        const std::size_t slash = escaped.find_last_of('/');
        if (slash != std::string_view::npos && escaped.substr(slash).starts_with("/index.htm")) {
          rule.index_alternative = KeepGooglePattern(std::string(escaped.substr(0, slash + 1)) + "$", false);
        }
      }
    } else {
      rule.pattern = PathPattern::Rfc(value);
    }
  }

  RobotsTxt* out_;
  // The group being filled: always out_->groups_.back(), re-taken after each
  // emplace_back, so vector growth never leaves it dangling.
  RobotsGroup* current_ = nullptr;
  bool seen_rule_ = false;
  std::vector<std::pair<std::string_view, std::size_t>> token_pairs_, value_pairs_;
  std::size_t first_block_;
  char* block_ = nullptr;
  std::size_t block_left_ = 0;
};

RobotsTxt RobotsTxt::Parse(std::string_view body, RobotsMode mode) {
  RobotsTxt txt;
  txt.mode_ = mode;
  RobotsTxtBuilder builder(&txt, std::min(body.size(), kMaxRobotsBytes));
  ParseRobotsTxt(body, mode, &builder);
  return txt;
}

void RobotsTxt::AgentIndex::Build(std::vector<std::pair<std::string_view, std::size_t>>* pairs) {
  std::sort(pairs->begin(), pairs->end());
  pairs->erase(std::unique(pairs->begin(), pairs->end()), pairs->end());
  names.clear();
  starts.clear();
  groups.clear();
  groups.reserve(pairs->size());
  for (const auto& [name, group] : *pairs) {
    if (names.empty() || names.back() != name) {
      names.push_back(name);
      starts.push_back(static_cast<std::uint32_t>(groups.size()));
    }
    groups.push_back(group);
  }
  starts.push_back(static_cast<std::uint32_t>(groups.size()));
  std::size_t size = 4;
  while (size < names.size() * 2) size *= 2;
  slots.assign(size, 0);
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::size_t at = std::hash<std::string_view>()(names[i]) & (size - 1);
    while (slots[at] != 0) at = (at + 1) & (size - 1);
    slots[at] = static_cast<std::uint32_t>(i + 1);
  }
}

std::span<const std::size_t> RobotsTxt::AgentIndex::Find(std::string_view name) const {
  if (names.empty()) return {};
  const std::size_t mask = slots.size() - 1;
  for (std::size_t at = std::hash<std::string_view>()(name) & mask; slots[at] != 0; at = (at + 1) & mask) {
    const std::size_t i = slots[at] - 1;
    if (names[i] == name) return std::span<const std::size_t>(groups.data() + starts[i], starts[i + 1] - starts[i]);
  }
  return {};
}

std::span<const std::size_t> RobotsTxt::SpecificGroups(std::string_view agent, AgentMatching matching,
                                                       std::vector<std::size_t>* scratch) const {
  if (agent.empty() && mode_ != RobotsMode::kGoogle) return {};
  const std::string key = AsciiLower(agent);  // agent names fit the small-string buffer: no allocation
  const std::span<const std::size_t> by_token = by_token_.Find(key);
  if (matching != AgentMatching::kLenient) return by_token;
  const std::span<const std::size_t> by_value = by_value_.Find(key);
  if (by_value.empty()) return by_token;
  if (by_token.empty()) return by_value;
  scratch->clear();
  std::set_union(by_token.begin(), by_token.end(), by_value.begin(), by_value.end(), std::back_inserter(*scratch));
  return *scratch;
}

bool RobotsTxt::NamesAgent(std::string_view agent, AgentMatching matching) const {
  std::vector<std::size_t> scratch;
  return !SpecificGroups(agent, matching, &scratch).empty();
}

std::vector<const RobotsGroup*> RobotsTxt::GroupsFor(std::string_view agent, AgentMatching matching) const {
  std::vector<std::size_t> scratch;
  const std::span<const std::size_t> specific = SpecificGroups(agent, matching, &scratch);
  const std::span<const std::size_t> idx = specific.empty() ? std::span<const std::size_t>(global_groups_) : specific;
  std::vector<const RobotsGroup*> out;
  out.reserve(idx.size());
  for (const std::size_t i : idx) out.push_back(&groups_[i]);
  return out;
}

RobotsMatch RobotsTxt::Match(std::string_view agent, std::string_view path, AgentMatching matching) const {
  RobotsMatch result;
  std::vector<std::size_t> scratch;
  const std::span<const std::size_t> specific = SpecificGroups(agent, matching, &scratch);
  result.agent_named = !specific.empty();
  const std::span<const std::size_t> groups =
      result.agent_named ? specific : std::span<const std::size_t>(global_groups_);
  std::string normalised;
  if (mode_ == RobotsMode::kRfc) {
    normalised = NormalisePercentEncoding(path.empty() ? std::string_view("/") : path);
    path = normalised;
    if (path == "/robots.txt") return result;  // RFC 9309 2.2.2: implicitly allowed
  } else {
    // google matches against a C string: the path ends at a NUL.
    path = path.substr(0, path.find('\0'));
    if (path.empty()) path = "/";
  }
  int allow_priority = -1, disallow_priority = -1;
  const RobotsRule* allow_rule = nullptr;
  const RobotsRule* disallow_rule = nullptr;
  for (const std::size_t g : groups) {
    for (const RobotsRule& rule : groups_[g].rules) {
      int priority = -1;
      if (rule.pattern.Matches(path)) {
        priority = rule.pattern.length();
      } else if (rule.index_alternative && rule.index_alternative->Matches(path)) {
        priority = rule.index_alternative->length();
      }
      if (priority < 0) continue;
      // The first rule reaching a priority keeps it (strictly greater replaces).
      if (rule.allow) {
        if (priority > allow_priority) {
          allow_priority = priority;
          allow_rule = &rule;
        }
      } else if (priority > disallow_priority) {
        disallow_priority = priority;
        disallow_rule = &rule;
      }
    }
  }
  // Allow wins ties; priority-0 matches (an empty pattern) decide nothing.
  const bool disallowed = (allow_priority > 0 || disallow_priority > 0) && disallow_priority > allow_priority;
  result.allowed = !disallowed;
  result.rule = disallow_priority > allow_priority ? disallow_rule : allow_rule;
  result.line = result.rule ? result.rule->line : 0;
  return result;
}

}  // namespace moisson::policy
