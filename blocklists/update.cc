#include "blocklists/update.h"

#include <archive.h>
#include <archive_entry.h>
#include <curl/curl.h>
#include <stdlib.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "blocklists/defaults.h"
#include "core/file_util.h"
#include "core/keyed_hash.h"

namespace moisson::blocklists {
namespace {

namespace fs = std::filesystem;

// The categories that come from UT1 (the others are curated lists).
bool FromUt1(const std::string& cat) { return cat != "health_forums" && cat != "minors_social_networks"; }

struct Download {
  std::FILE* file = nullptr;
  std::uint64_t bytes = 0, max = 0;
  bool too_large = false;
  const std::atomic<bool>* stop = nullptr;
};

// libcurl's progress callback: non-zero aborts the transfer.
int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* d = static_cast<const Download*>(user);
  return d->stop && d->stop->load() ? 1 : 0;
}

bool Stopped(const UpdateRequest& r) { return r.stop && r.stop->load(); }
Status StoppedStatus() { return Status::Interrupted("stopped by a signal"); }

std::size_t WriteChunk(char* data, std::size_t size, std::size_t n, void* user) {
  auto* d = static_cast<Download*>(user);
  const std::size_t len = size * n;
  if (d->bytes + len > d->max) {
    d->too_large = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  d->bytes += len;
  return std::fwrite(data, 1, len, d->file) == len ? len : 0;
}

Status Fetch(const UpdateRequest& r, const std::string& dest) {
  Download d;
  d.max = r.max_bytes;
  d.stop = r.stop;
  d.file = std::fopen(dest.c_str(), "wb");
  if (!d.file) return Status::Io(dest + ": cannot write");
  CURL* curl = curl_easy_init();
  if (!curl) {
    std::fclose(d.file);
    return Status::Io("cannot start libcurl");
  }
  char err[CURL_ERROR_SIZE] = "";
  curl_easy_setopt(curl, CURLOPT_URL, r.source.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 5L);
  curl_easy_setopt(curl, CURLOPT_FAILONERROR, 1L);
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, 30L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, r.timeout_seconds);
  curl_easy_setopt(curl, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(r.max_bytes));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, err);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, WriteChunk);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &d);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &d);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
  if (!r.user_agent.empty()) curl_easy_setopt(curl, CURLOPT_USERAGENT, r.user_agent.c_str());
  if (!r.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, r.ca_file.c_str());
  const CURLcode rc = curl_easy_perform(curl);
  curl_easy_cleanup(curl);
  const bool closed = std::fclose(d.file) == 0;
  if (rc == CURLE_ABORTED_BY_CALLBACK) return StoppedStatus();
  if (d.too_large || rc == CURLE_FILESIZE_EXCEEDED) {
    return Status::InvalidArgument(r.source + ": the archive is larger than " + std::to_string(r.max_bytes) + " bytes");
  }
  if (rc != CURLE_OK) {
    return Status::InvalidArgument(r.source + ": download failed: " + (err[0] ? std::string(err) : curl_easy_strerror(rc)));
  }
  if (!closed) return Status::Io(dest + ": write error");
  return Status::Ok();
}

// The SHA-256 and size of a file.
Result<std::pair<std::string, std::uint64_t>> Digest(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound(path + ": cannot read the archive");
  Sha256Stream h;
  std::vector<char> buf(1 << 20);
  std::uint64_t n = 0;
  while (in.read(buf.data(), static_cast<std::streamsize>(buf.size())) || in.gcount() > 0) {
    h.Update(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())));
    n += static_cast<std::uint64_t>(in.gcount());
  }
  return std::pair{h.FinishHex(), n};
}

Status CopyTree(const fs::path& from, const fs::path& to) {
  std::error_code ec;
  fs::copy(from, to, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec) return Status::Io(from.string() + ": cannot copy to " + to.string() + ": " + ec.message());
  return Status::Ok();
}

}  // namespace

Status ExtractUt1Archive(const std::string& path, const std::vector<std::string>& categories, const std::string& dest) {
  const std::set<std::string> wanted(categories.begin(), categories.end());
  static const std::set<std::string> kFiles = {"domains", "urls", "expressions", "usage"};
  archive* a = archive_read_new();
  archive_read_support_filter_gzip(a);
  archive_read_support_filter_none(a);
  archive_read_support_format_tar(a);
  struct Closer {
    archive* a;
    ~Closer() { archive_read_free(a); }
  } closer{a};
  const auto broken = [&](const std::string& what) {
    const char* why = archive_error_string(a);
    return Status::InvalidArgument(path + ": not a complete UT1 archive (" + what + (why ? ": " + std::string(why) : "") +
                                   ")");
  };
  if (archive_read_open_filename(a, path.c_str(), 1 << 16) != ARCHIVE_OK) return broken("cannot open");
  std::set<std::string> found;
  std::vector<char> buf(1 << 16);
  int members = 0;
  while (true) {
    archive_entry* e = nullptr;
    const int rc = archive_read_next_header(a, &e);
    if (rc == ARCHIVE_EOF) break;
    if (rc != ARCHIVE_OK && rc != ARCHIVE_WARN) return broken("a member header");
    ++members;
    const char* name_c = archive_entry_pathname(e);
    std::string name = name_c ? name_c : "";
    if (name.starts_with("./")) name.erase(0, 2);
    if (name.starts_with("blacklists/")) name.erase(0, 11);
    const std::size_t slash = name.find('/');
    const bool take = archive_entry_filetype(e) == AE_IFREG && slash != std::string::npos &&
                      name.find('/', slash + 1) == std::string::npos && wanted.contains(name.substr(0, slash)) &&
                      kFiles.contains(name.substr(slash + 1));
    std::ofstream out;
    if (take) {
      const std::string cat = name.substr(0, slash);
      std::error_code ec;
      fs::create_directories(fs::path(dest) / cat, ec);
      out.open(fs::path(dest) / name, std::ios::binary | std::ios::trunc);
      if (!out) return Status::Io(dest + "/" + name + ": cannot write");
      found.insert(cat);
    }
    // Every member is read to its end, taken or not: a cut or corrupt
    // stream is found here, before anything is replaced.
    while (true) {
      const la_ssize_t n = archive_read_data(a, buf.data(), buf.size());
      if (n == 0) break;
      if (n < 0) return broken(name);
      if (take) out.write(buf.data(), n);
    }
    if (take && !out) return Status::Io(dest + "/" + name + ": write error");
  }
  if (members == 0) return Status::InvalidArgument(path + ": not a complete UT1 archive (no member)");
  std::string missing;
  for (const auto& c : wanted) {
    if (!found.contains(c)) missing += (missing.empty() ? "" : ", ") + c;
  }
  if (!missing.empty()) return Status::InvalidArgument(path + ": the archive holds no list for " + missing);
  return Status::Ok();
}

Result<UpdateReport> UpdateFromUt1(const UpdateRequest& r) {
  if (r.snapshot.empty()) return Status::InvalidArgument("no snapshot to update: give --snapshot or set [blocklists] snapshot");
  std::vector<std::string> ut1;
  for (const auto& c : r.lists.categories) {
    if (FromUt1(c)) ut1.push_back(c);
  }
  const fs::path snapshot = fs::absolute(r.snapshot);
  const fs::path folder = snapshot.parent_path();
  std::error_code ec;
  if (!fs::is_directory(folder, ec)) return Status::NotFound(folder.string() + ": no such folder for the snapshot");
  if (fs::is_directory(snapshot, ec)) return Status::InvalidArgument(snapshot.string() + ": is a directory");
  std::string work = (folder / ".blocklist-update.XXXXXX").string();
  if (::mkdtemp(work.data()) == nullptr) return Status::Io(folder.string() + ": cannot make a working folder");
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code e;
      fs::remove_all(dir, e);
    }
  } cleanup{work};

  // 1. The archive.
  const bool url = r.source.starts_with("http://") || r.source.starts_with("https://");
  std::string archive = r.source;
  if (url) {
    archive = work + "/archive.tar.gz";
    if (Status s = Fetch(r, archive); !s.ok()) return s;
  } else if (!fs::is_regular_file(r.source, ec)) {
    return Status::NotFound(r.source + ": no such archive (give an http(s) URL or a downloaded file)");
  }
  if (Stopped(r)) return StoppedStatus();
  UpdateReport report;
  auto digest = Digest(archive);
  if (!digest.ok()) return digest.status();
  report.archive_sha256 = digest->first;
  report.archive_bytes = digest->second;
  // 2. Checked and unpacked.
  if (Status s = ExtractUt1Archive(archive, ut1, work + "/src"); !s.ok()) {
    return url ? Status::InvalidArgument(r.source + " (downloaded): " + s.message().substr(archive.size() + 2)) : s;
  }
  if (Stopped(r)) return StoppedStatus();
  // 3. Imported beside the current curated and Sinfonietta lists.
  const fs::path old_data = r.lists.data_dir.empty() ? fs::path(BuiltInDataDir()) : fs::path(r.lists.data_dir);
  const fs::path data = fs::path(work) / "data";
  fs::create_directories(data, ec);
  if (ec) return Status::Io(data.string() + ": cannot create");
  for (const char* keep : {"curated", "sinfonietta"}) {
    if (fs::is_directory(old_data / keep, ec)) {
      if (Status s = CopyTree(old_data / keep, data / keep); !s.ok()) return s;
    }
  }
  if (Status s = ImportUt1(work + "/src", ut1, (data / "ut1").string(), false, false, &report.lists); !s.ok()) return s;
  if (fs::exists(old_data / "ut1" / "LICENSE-cc-by-sa-4.0.pdf", ec)) {
    fs::copy_file(old_data / "ut1" / "LICENSE-cc-by-sa-4.0.pdf", data / "ut1" / "LICENSE-cc-by-sa-4.0.pdf", ec);
  }
  // The MANIFEST names where the lists came from: the archive, not the working folder.
  {
    const fs::path manifest = data / "ut1" / "MANIFEST.md";
    auto text = ReadFileToString(manifest.string(), 16u << 20);
    if (!text.ok()) return text.status();
    const std::string from = "Source: " + work + "/src\n";
    std::string m = std::move(text).value();
    if (const auto at = m.find(from); at != std::string::npos) {
      m.replace(at, from.size(), "Source: " + r.source + " (sha256 " + report.archive_sha256 + ", " +
                                     std::to_string(report.archive_bytes) + " bytes)\n");
    }
    if (Status s = WriteFileAtomically(manifest.string(), m); !s.ok()) return s;
  }
  if (Stopped(r)) return StoppedStatus();
  // 4. Swapped in, compiled, the snapshot replaced; undone on failure. A
  // signal from here on is seen after the snapshot is written.
  const fs::path final_data = snapshot.string() + ".data";
  const fs::path prev = snapshot.string() + ".data.prev";
  fs::remove_all(prev, ec);
  const bool had = fs::exists(final_data, ec);
  if (had) {
    fs::rename(final_data, prev, ec);
    if (ec) return Status::Io(final_data.string() + ": cannot move aside: " + ec.message());
  }
  const auto undo = [&](Status s) {
    std::error_code e;
    fs::remove_all(final_data, e);
    if (had) fs::rename(prev, final_data, e);
    return s;
  };
  fs::rename(data, final_data, ec);
  if (ec) return undo(Status::Io(final_data.string() + ": cannot move into place: " + ec.message()));
  BlocklistConfig lists = r.lists;
  lists.data_dir = final_data.string();
  SiteListBuilder builder;
  std::vector<ListLoadReport> loaded;
  if (Status s = AddConfiguredCategories(lists, false, &builder, &loaded); !s.ok()) return undo(s);
  auto matcher = std::move(builder).Build();
  if (!matcher.ok()) return undo(matcher.status());
  if (Status s = WriteSnapshot(*matcher, snapshot.string()); !s.ok()) return undo(s);
  fs::remove_all(prev, ec);
  report.data_dir = final_data.string();
  report.domains = matcher->domain_count();
  report.urls = matcher->url_count();
  report.expressions = matcher->expression_count();
  return report;
}

}  // namespace moisson::blocklists
