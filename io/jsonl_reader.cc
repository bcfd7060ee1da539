// The JSONL reader (io/record.h gives its contract).
#include "io/record.h"

#include <unistd.h>

#include <simdjson.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "core/json.h"
#include "core/strings.h"
#include "io/reader_internal.h"
#include "io/stream.h"

namespace moisson::io {
namespace {

// ---- JSONL ---------------------------------------------------------------------

class JsonlReader : public RecordReader {
 public:
  JsonlReader(std::unique_ptr<ByteStream> s, std::string file, ReaderOptions o)
      : in_(std::move(s)), file_(std::move(file)), o_(std::move(o)) {}

  Result<bool> Next(InputRecord* out) override {
    while (true) {
      std::string_view line;
      bool too_long = false;
      const std::uint64_t offset = in_.position();
      if (!in_.ReadLine(&line, o_.max_record_bytes, &too_long)) {
        if (in_.stream().io_failed()) return Status::Io(in_.stream().error().empty() ? file_ + ": read error" : in_.stream().error());
        gaps_.clear();
        in_.stream().TakeGaps(UINT64_MAX, &gaps_);
        for (StreamGap& g : gaps_) Skip(g.pos, line_no_ + 1, std::move(g.message), ReadIssue::Kind::kDamaged);
        if (!in_.stream().error().empty() && !reported_stream_error_) {
          reported_stream_error_ = true;
          Skip(offset, line_no_ + 1, in_.stream().error(), ReadIssue::Kind::kDamaged);
        }
        return false;
      }
      ++line_no_;
      // A corrupt compressed stretch ended this line (the stream marks it with
      // a '\n'): the line is partial. The gap is the issue, not the line.
      gaps_.clear();
      in_.stream().TakeGaps(in_.position(), &gaps_);
      if (!gaps_.empty()) {
        for (StreamGap& g : gaps_) Skip(offset, line_no_, std::move(g.message), ReadIssue::Kind::kDamaged);
        continue;
      }
      // A last line without '\n' while the stream failed (truncated gzip or
      // zstd) was cut: one issue says so, not a JSON error and then a stream error.
      const bool cut = in_.last_line_unterminated() && !in_.stream().error().empty();
      if (too_long) {
        Skip(offset, line_no_, "line longer than " + std::to_string(o_.max_record_bytes) + " bytes");
        continue;
      }
      if (TrimAsciiSpace(line).empty()) continue;
      std::string why;
      ReadIssue::Kind kind = ReadIssue::Kind::kMalformed;
      if (Parse(line, in_.bytes_after(line), out, &why, &kind)) {
        out->source_file = file_;
        out->offset = offset;
        out->line = line_no_;
        return true;
      }
      if (cut && !reported_stream_error_) {
        reported_stream_error_ = true;
        why = "line cut by the end of the data: " + in_.stream().error();
        kind = ReadIssue::Kind::kDamaged;
      }
      Skip(offset, line_no_, why, kind);
    }
  }
  std::uint64_t bytes_read() const override { return const_cast<BufferedReader&>(in_).stream().consumed(); }
  std::uint64_t skipped() const override { return skipped_; }

 private:
  void Skip(std::uint64_t offset, std::uint64_t line, std::string msg,
            ReadIssue::Kind kind = ReadIssue::Kind::kMalformed) {
    ++skipped_;
    if (o_.on_skip) o_.on_skip(ReadIssue{kind, file_, offset, line, std::move(msg)});
  }

  // `after`: readable bytes following `line` in the reader's buffer. simdjson
  // reads up to SIMDJSON_PADDING bytes past its input; when the buffer holds
  // that many (nearly always, with 1 MiB blocks) the line is parsed in place,
  // otherwise it is copied to a padded buffer first.
  bool Parse(std::string_view line, std::size_t after, InputRecord* out, std::string* why, ReadIssue::Kind* kind) {
    namespace od = simdjson::ondemand;
    // RFC 8259 §8.1: JSON text exchanged between systems is UTF-8. simdjson
    // validates the whole input anyway (and would fail the line with a bare
    // UTF8_ERROR); checking first gives the reader a clear reason.
    if (!simdjson::validate_utf8(line.data(), line.size())) {
      *why = "not valid UTF-8 (JSON text must be UTF-8)";
      return false;
    }
    const char* data = line.data();
    std::size_t capacity = line.size() + after;
    if (after < simdjson::SIMDJSON_PADDING) {
      padded_.assign(line.begin(), line.end());
      padded_.resize(line.size() + simdjson::SIMDJSON_PADDING, '\0');
      data = padded_.data();
      capacity = padded_.size();
    }
    od::document doc;
    if (parser_.iterate(data, line.size(), capacity).get(doc) != simdjson::SUCCESS) {
      *why = "not valid JSON";
      return false;
    }
    od::object obj;
    if (const auto err = doc.get_object().get(obj); err != simdjson::SUCCESS) {
      *why = err == simdjson::INCORRECT_TYPE ? "not a JSON object" : "not valid JSON";
      return false;
    }
    *out = InputRecord();
    meta_.clear();
    meta_keys_.clear();
    bool have_text = false, have_html = false;
    std::string html;
    for (auto field : obj) {
      std::string_view key;
      if (field.unescaped_key().get(key) != simdjson::SUCCESS) {
        *why = "not valid JSON";
        return false;
      }
      od::value v;
      if (field.value().get(v) != simdjson::SUCCESS) {
        *why = "not valid JSON";
        return false;
      }
      auto get_string = [&](std::string* dst, const char* what) -> bool {
        std::string_view s;
        if (v.get_string().get(s) != simdjson::SUCCESS) {
          *why = std::string("field '") + what + "' is not a string";
          return false;
        }
        dst->assign(s);
        return true;
      };
      if (key == o_.text_field) {
        if (!get_string(&out->content, o_.text_field.c_str())) return false;
        have_text = true;
      } else if (!o_.html_field.empty() && key == o_.html_field) {
        od::json_type t;
        if (v.type().get(t) == simdjson::SUCCESS && t == od::json_type::null) continue;
        if (!get_string(&html, o_.html_field.c_str())) return false;
        have_html = true;
      } else if (key == o_.id_field) {
        od::json_type t;
        if (v.type().get(t) != simdjson::SUCCESS) {
          *why = "not valid JSON";
          return false;
        }
        if (t == od::json_type::string) {
          if (!get_string(&out->id, o_.id_field.c_str())) return false;
        } else if (t == od::json_type::number) {
          std::string_view raw = TrimAsciiSpace(v.raw_json_token());
          out->id.assign(raw);
        } else if (t != od::json_type::null) {
          *why = "field '" + o_.id_field + "' is neither a string nor a number";
          return false;
        }
      } else if (key == o_.url_field || key == o_.date_field || key == o_.lang_field) {
        od::json_type t;
        if (v.type().get(t) != simdjson::SUCCESS) {
          *why = "not valid JSON";
          return false;
        }
        if (t != od::json_type::string) continue;  // optional metadata: ignored unless a string
        std::string* dst = key == o_.url_field ? &out->url : key == o_.date_field ? &out->date : &out->lang;
        if (!get_string(dst, "metadata")) return false;
      } else if (o_.keep_metadata) {
        if (!KeepField(key, v, true, why)) return false;
      }
      // Other fields are not read; on-demand parsing skips them (checking
      // their brackets and strings, not every token).
    }
    if (o_.keep_metadata && !meta_.empty()) {
      meta_.push_back('}');
      out->metadata_json = std::move(meta_);
    }
    // Anything after the object ('{...} {...}', '{...} x') makes the line invalid.
    // simdjson 3.0 has no document::at_end(): current_location() says
    // OUT_OF_BOUNDS exactly when the whole input was consumed.
    if (doc.current_location().error() != simdjson::OUT_OF_BOUNDS) {
      *why = "not valid JSON (content after the object)";
      return false;
    }
    if (have_html) {
      out->content = std::move(html);
      out->kind = ContentKind::kHtml;
      return true;
    }
    if (!have_text) {
      *why = "no '" + o_.text_field + "' field (name the field that holds the text with --text-field)";
      *kind = ReadIssue::Kind::kNoText;
      return false;
    }
    out->kind = ContentKind::kText;
    return true;
  }

  // One unmapped field into meta_ (the metadata object being built), its
  // value as written. `top`: a field of the record itself, where an object
  // named "metadata" is opened and its members taken instead.
  bool KeepField(std::string_view key, simdjson::ondemand::value& v, bool top, std::string* why) {
    namespace od = simdjson::ondemand;
    od::json_type t;
    if (v.type().get(t) != simdjson::SUCCESS) {
      *why = "not valid JSON";
      return false;
    }
    if (top && key == "metadata" && t == od::json_type::object) {
      od::object inner;
      if (v.get_object().get(inner) != simdjson::SUCCESS) {
        *why = "not valid JSON";
        return false;
      }
      for (auto field : inner) {
        std::string_view k;
        od::value iv;
        if (field.unescaped_key().get(k) != simdjson::SUCCESS || field.value().get(iv) != simdjson::SUCCESS) {
          *why = "not valid JSON";
          return false;
        }
        if (!KeepField(k, iv, false, why)) return false;
      }
      return true;
    }
    if (!o_.metadata_fields.empty() &&
        std::find(o_.metadata_fields.begin(), o_.metadata_fields.end(), key) == o_.metadata_fields.end()) {
      return true;  // not chosen; skipped by the on-demand parser
    }
    std::string_view raw;
    simdjson::error_code err = simdjson::SUCCESS;
    if (t == od::json_type::object) {
      od::object o;
      err = v.get_object().get(o);
      if (!err) err = o.raw_json().get(raw);
    } else if (t == od::json_type::array) {
      od::array a;
      err = v.get_array().get(a);
      if (!err) err = a.raw_json().get(raw);
    } else {
      raw = TrimAsciiSpace(v.raw_json_token());
    }
    if (err != simdjson::SUCCESS) {
      *why = "not valid JSON";
      return false;
    }
    if (std::find(meta_keys_.begin(), meta_keys_.end(), key) != meta_keys_.end()) return true;  // the first one stays
    meta_keys_.emplace_back(key);
    meta_.push_back(meta_.empty() ? '{' : ',');
    AppendJsonString(key, &meta_);
    meta_.push_back(':');
    meta_.append(TrimAsciiSpace(raw));
    return true;
  }

  BufferedReader in_;
  std::string file_;
  ReaderOptions o_;
  simdjson::ondemand::parser parser_;
  std::vector<char> padded_;
  std::string meta_;                    // the metadata object being built
  std::vector<std::string> meta_keys_;  // its keys so far
  std::vector<StreamGap> gaps_;
  std::uint64_t line_no_ = 0;
  std::uint64_t skipped_ = 0;
  bool reported_stream_error_ = false;
};

}  // namespace

std::unique_ptr<RecordReader> NewJsonlReader(std::unique_ptr<ByteStream> stream, const std::string& name,
                                             const ReaderOptions& options) {
  return std::unique_ptr<RecordReader>(new JsonlReader(std::move(stream), name, options));
}

}  // namespace moisson::io
