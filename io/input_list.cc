#include "io/input_list.h"

#include <fnmatch.h>
#include <sys/stat.h>

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "core/strings.h"
#include "io/http_source.h"
#include "io/stream.h"

namespace moisson::io {
namespace {

namespace fs = std::filesystem;

bool IsDumpName(std::string_view name) {
  std::string n = AsciiLower(name);
  for (const char* z : {".gz", ".zst", ".zstd"}) {
    if (n.ends_with(z)) {
      n.resize(n.size() - std::char_traits<char>::length(z));
      break;
    }
  }
  for (const char* e : {".jsonl", ".ndjson", ".warc", ".wet"}) {
    if (n.ends_with(e)) return true;
  }
  return false;
}

Status WalkFolder(const std::string& dir, const std::string& glob, std::vector<std::string>* out) {
  std::vector<std::string> found;
  std::error_code ec;
  fs::recursive_directory_iterator it(dir, fs::directory_options::none, ec);
  if (ec) return Status::Io(dir + ": cannot read the folder (" + ec.message() + ")");
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) return Status::Io(dir + ": cannot read the folder (" + ec.message() + ")");
    const std::string name = it->path().filename().string();
    if (!name.empty() && name.front() == '.') {
      if (it->is_directory(ec)) it.disable_recursion_pending();
      continue;
    }
    if (!it->is_regular_file(ec)) continue;  // follows a link to a file; folders' links are not entered
    if (name.ends_with(".partial")) continue;
    const bool match = glob.empty() ? IsDumpName(name) : ::fnmatch(glob.c_str(), name.c_str(), 0) == 0;
    if (match) found.push_back(it->path().string());
  }
  // A failed increment turns the iterator into the end one: the loop ends
  // before its body sees the error.
  if (ec) return Status::Io(dir + ": cannot read the folder (" + ec.message() + ")");
  if (found.empty()) {
    return Status::InvalidArgument(dir + ": no input file in this folder" +
                                   (glob.empty() ? std::string(" (*.jsonl, *.ndjson, *.warc, *.wet, ... and their .gz, .zst)")
                                                 : " matching '" + glob + "'"));
  }
  std::sort(found.begin(), found.end());
  out->insert(out->end(), found.begin(), found.end());
  return Status::Ok();
}

std::string JoinUrl(std::string_view base, std::string_view rel) {
  std::string u(base);
  while (!rel.empty() && rel.front() == '/') rel.remove_prefix(1);
  if (!u.empty() && u.back() != '/') u.push_back('/');
  return u.append(rel);
}

}  // namespace

Result<std::vector<std::string>> ExpandInputs(const InputListOptions& o) {
  std::vector<std::string> out;
  for (const std::string& a : o.args) {
    if (a.empty()) return Status::InvalidArgument("an input is an empty string");
    struct stat sb;
    if (a != "-" && !IsHttpUrl(a) && ::stat(a.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode)) {
      if (Status st = WalkFolder(a, o.glob, &out); !st.ok()) return st;
    } else {
      out.push_back(a);
    }
  }
  if (!o.base_url.empty() && !IsHttpUrl(o.base_url)) {
    return Status::InvalidArgument("--base-url " + DisplayUrl(o.base_url) + ": not an http:// or https:// URL");
  }
  if (!o.inputs_from.empty()) {
    const std::string shown = o.inputs_from == "-" ? std::string("standard input") : o.inputs_from;
    struct stat sb;
    if (o.inputs_from != "-" && ::stat(o.inputs_from.c_str(), &sb) == 0 && S_ISDIR(sb.st_mode)) {
      return Status::InvalidArgument(shown + ": is a folder, not a list of inputs");
    }
    auto stream = OpenByteStream(o.inputs_from);
    if (!stream.ok()) return stream.status();
    BufferedReader in(std::move(stream).value());
    std::string_view line;
    bool too_long = false;
    std::uint64_t n = 0;
    std::size_t before = out.size();
    while (in.ReadLine(&line, 64 * 1024, &too_long)) {
      ++n;
      if (too_long) return Status::InvalidArgument(shown + ": line " + std::to_string(n) + " is too long for a path");
      const std::string_view t = TrimAsciiSpace(line);
      if (t.empty() || t.front() == '#') continue;
      if (t == "-") return Status::InvalidArgument(shown + ": line " + std::to_string(n) + ": '-' cannot be listed");
      if (!IsHttpUrl(t) && !o.base_url.empty()) {
        out.push_back(JoinUrl(o.base_url, t));
      } else {
        out.emplace_back(t);
      }
    }
    if (!in.stream().error().empty()) return Status::InvalidArgument(in.stream().error());
    if (out.size() == before) return Status::InvalidArgument(shown + ": the list names no input");
  }
  if (out.empty()) return Status::InvalidArgument("no input: name files, folders or URLs, or give --inputs-from");
  return out;
}

std::vector<std::string> ShareOf(const std::vector<std::string>& inputs, std::uint32_t rank, std::uint32_t world_size) {
  std::vector<std::string> share;
  if (world_size == 0) return share;
  for (std::size_t i = rank; i < inputs.size(); i += world_size) share.push_back(inputs[i]);
  return share;
}

}  // namespace moisson::io
