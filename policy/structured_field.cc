#include "policy/structured_field.h"

#include <unordered_map>

namespace moisson::policy {
namespace {

constexpr std::size_t kMaxFieldBytes = 64 * 1024;

bool IsLcAlpha(char c) { return c >= 'a' && c <= 'z'; }
bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsTchar(char c) {
  if (IsAlpha(c) || IsDigit(c)) return true;
  switch (c) {
    case '!': case '#': case '$': case '%': case '&': case '\'': case '*': case '+': case '-':
    case '.': case '^': case '_': case '`': case '|': case '~':
      return true;
    default:
      return false;
  }
}
bool IsBase64(char c) { return IsAlpha(c) || IsDigit(c) || c == '+' || c == '/' || c == '='; }

class Parser {
 public:
  explicit Parser(std::string_view in) : in_(in) {}

  std::optional<SfDictionary> Dictionary() {
    SkipSp();
    SfDictionary dict;
    while (!AtEnd()) {
      std::string key;
      if (!Key(&key)) return std::nullopt;
      SfItem item;
      if (Peek() == '=') {
        ++pos_;
        if (Peek() == '(') {
          if (!InnerList(&item)) return std::nullopt;
        } else if (!Item(&item)) {
          return std::nullopt;
        }
      } else {
        item.type = SfItem::Type::kBoolean;
        item.boolean = true;
        if (!Parameters(&item)) return std::nullopt;
      }
      // A repeated key keeps its place and takes the last value; the index
      // keeps this linear on fields with thousands of keys.
      const auto [it, inserted] = index_.emplace(key, dict.size());
      if (inserted) {
        dict.emplace_back(std::move(key), std::move(item));
      } else {
        dict[it->second].second = std::move(item);
      }
      SkipOws();
      if (AtEnd()) break;
      if (Peek() != ',') return Fail("expected ',' between members");
      ++pos_;
      SkipOws();
      if (AtEnd()) return Fail("trailing ','");
    }
    return dict;
  }

  const std::string& error() const { return error_; }

 private:
  bool AtEnd() const { return pos_ >= in_.size(); }
  char Peek() const { return AtEnd() ? '\0' : in_[pos_]; }
  void SkipSp() {
    while (!AtEnd() && in_[pos_] == ' ') ++pos_;
  }
  void SkipOws() {
    while (!AtEnd() && (in_[pos_] == ' ' || in_[pos_] == '\t')) ++pos_;
  }
  std::nullopt_t Fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at byte " + std::to_string(pos_);
    return std::nullopt;
  }
  bool FailB(const std::string& what) {
    Fail(what);
    return false;
  }

  bool Key(std::string* key) {
    if (!IsLcAlpha(Peek()) && Peek() != '*') return FailB("a key must start with a-z or '*'");
    while (!AtEnd()) {
      const char c = in_[pos_];
      if (!(IsLcAlpha(c) || IsDigit(c) || c == '_' || c == '-' || c == '.' || c == '*')) break;
      key->push_back(c);
      ++pos_;
    }
    return true;
  }

  bool Parameters(SfItem* item) {
    while (Peek() == ';') {
      ++pos_;
      SkipSp();
      std::string key;
      if (!Key(&key)) return false;
      SfItem value;
      if (Peek() == '=') {
        ++pos_;
        if (!BareItem(&value)) return false;
      }
      ++item->params;
    }
    return true;
  }

  bool Item(SfItem* item) { return BareItem(item) && Parameters(item); }

  bool InnerList(SfItem* item) {
    ++pos_;  // '('
    item->type = SfItem::Type::kInnerList;
    while (!AtEnd()) {
      SkipSp();
      if (Peek() == ')') {
        ++pos_;
        return Parameters(item);
      }
      SfItem member;
      if (!Item(&member)) return false;
      if (Peek() != ' ' && Peek() != ')') return FailB("expected ' ' or ')' in inner list");
    }
    return FailB("unterminated inner list");
  }

  bool BareItem(SfItem* item) {
    const char c = Peek();
    if (c == '-' || IsDigit(c)) return Number(item);
    if (c == '"') return String(item);
    if (c == '*' || IsAlpha(c)) return Token(item);
    if (c == ':') return ByteSequence(item);
    if (c == '?') return Boolean(item);
    if (c == '@') {
      ++pos_;
      if (!Number(item) || item->type != SfItem::Type::kInteger) return FailB("a date must be an integer");
      item->type = SfItem::Type::kDate;
      return true;
    }
    if (c == '%') return DisplayString(item);
    return FailB("unrecognised item");
  }

  bool Number(SfItem* item) {
    item->type = SfItem::Type::kInteger;
    std::string digits;
    if (Peek() == '-') {
      digits.push_back('-');
      ++pos_;
    }
    if (!IsDigit(Peek())) return FailB("expected a digit");
    std::size_t int_digits = 0, frac_digits = 0;
    bool decimal = false;
    while (!AtEnd()) {
      const char c = in_[pos_];
      if (IsDigit(c)) {
        (decimal ? frac_digits : int_digits)++;
      } else if (c == '.' && !decimal) {
        if (int_digits > 12) return FailB("decimal has more than 12 integer digits");
        decimal = true;
      } else {
        break;
      }
      digits.push_back(c);
      ++pos_;
      if (!decimal && int_digits > 15) return FailB("integer has more than 15 digits");
    }
    if (decimal) {
      if (frac_digits == 0 || frac_digits > 3) return FailB("decimal needs 1 to 3 fraction digits");
      item->type = SfItem::Type::kDecimal;
    }
    item->text = std::move(digits);
    return true;
  }

  bool String(SfItem* item) {
    ++pos_;
    item->type = SfItem::Type::kString;
    while (!AtEnd()) {
      const char c = in_[pos_++];
      if (c == '\\') {
        if (AtEnd() || (in_[pos_] != '"' && in_[pos_] != '\\')) return FailB("bad escape in string");
        item->text.push_back(in_[pos_++]);
      } else if (c == '"') {
        return true;
      } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) {
        return FailB("non-printable character in string");
      } else {
        item->text.push_back(c);
      }
    }
    return FailB("unterminated string");
  }

  bool Token(SfItem* item) {
    item->type = SfItem::Type::kToken;
    while (!AtEnd() && (IsTchar(in_[pos_]) || in_[pos_] == ':' || in_[pos_] == '/')) {
      item->text.push_back(in_[pos_++]);
    }
    return true;
  }

  bool ByteSequence(SfItem* item) {
    ++pos_;
    item->type = SfItem::Type::kByteSequence;
    while (!AtEnd() && in_[pos_] != ':') {
      if (!IsBase64(in_[pos_])) return FailB("bad byte in byte sequence");
      ++pos_;
    }
    if (AtEnd()) return FailB("unterminated byte sequence");
    ++pos_;
    return true;
  }

  bool Boolean(SfItem* item) {
    ++pos_;
    item->type = SfItem::Type::kBoolean;
    if (Peek() == '1' || Peek() == '0') {
      item->boolean = Peek() == '1';
      ++pos_;
      return true;
    }
    return FailB("a boolean is ?0 or ?1");
  }

  bool DisplayString(SfItem* item) {
    ++pos_;
    if (Peek() != '"') return FailB("expected '\"' after '%'");
    ++pos_;
    item->type = SfItem::Type::kDisplayString;
    auto lower_hex = [](char c) { return IsDigit(c) || (c >= 'a' && c <= 'f'); };
    while (!AtEnd()) {
      const char c = in_[pos_++];
      if (c == '%') {
        if (pos_ + 1 >= in_.size() || !lower_hex(in_[pos_]) || !lower_hex(in_[pos_ + 1])) {
          return FailB("bad percent-escape in display string");
        }
        item->text.append(in_.substr(pos_ - 1, 3));
        pos_ += 2;
      } else if (c == '"') {
        return true;
      } else if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7E) {
        return FailB("non-printable character in display string");
      } else {
        item->text.push_back(c);
      }
    }
    return FailB("unterminated display string");
  }

  std::string_view in_;
  std::unordered_map<std::string, std::size_t> index_;
  std::size_t pos_ = 0;
  std::string error_;
};

}  // namespace

std::optional<SfDictionary> ParseSfDictionary(std::string_view value, std::string* error) {
  if (value.size() > kMaxFieldBytes) {
    if (error) *error = "field longer than 64 KiB";
    return std::nullopt;
  }
  // RFC 9651 4.2: leading and trailing SP are discarded before parsing.
  while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
  Parser p(value);
  auto dict = p.Dictionary();
  if (!dict && error) *error = p.error();
  return dict;
}

}  // namespace moisson::policy
