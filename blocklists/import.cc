// moisson blocklist import: a downloaded UT1 tree, validated, normalised and
// written where the configuration can load it.
#include <dirent.h>
#include <openssl/sha.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <random>

#include "blocklists/site_list.h"
#include "core/file_util.h"

namespace moisson::blocklists {
namespace {

bool IsDir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::string Sha256Hex(std::string_view data) {
  unsigned char md[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), md);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : md) {
    out.push_back(kHex[c >> 4]);
    out.push_back(kHex[c & 15]);
  }
  return out;
}

Status WriteGz(const std::string& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb9");
  if (f == nullptr) return Status::Io(path + ": cannot create");
  const bool ok = text.empty() || gzwrite(f, text.data(), static_cast<unsigned>(text.size())) > 0;
  if (gzclose(f) != Z_OK || !ok) return Status::Io(path + ": write failed");
  return Status::Ok();
}

void RemoveTree(const std::string& dir) {
  if (DIR* d = ::opendir(dir.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n == "." || n == "..") continue;
      const std::string p = dir + "/" + n;
      if (IsDir(p)) {
        RemoveTree(p);
      } else {
        ::unlink(p.c_str());
      }
    }
    ::closedir(d);
  }
  ::rmdir(dir.c_str());
}

}  // namespace

Status ImportUt1(const std::string& src, const std::vector<std::string>& only, const std::string& dest, bool strict,
                 bool replace, std::vector<ListLoadReport>* reports) {
  if (!IsDir(src)) return Status::NotFound(src + ": cannot open UT1 directory");
  if (IsDir(dest) && !replace) return Status::InvalidArgument(dest + ": already exists (use --replace)");
  std::vector<std::string> cats;
  if (DIR* d = ::opendir(src.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n != "." && n != ".." && IsDir(src + "/" + n)) cats.push_back(n);
    }
    ::closedir(d);
  }
  std::sort(cats.begin(), cats.end());
  for (const auto& want : only) {
    if (std::find(cats.begin(), cats.end(), want) == cats.end()) {
      return Status::NotFound(src + ": no category '" + want + "'");
    }
  }
  const std::string tmp = dest + ".import-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}());
  if (::mkdir(tmp.c_str(), 0755) != 0) return Status::Io(tmp + ": cannot create");
  auto fail = [&](Status s) {
    RemoveTree(tmp);
    return s;
  };
  char date[32];
  const std::time_t now = std::time(nullptr);
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  std::string manifest = "# Imported UT1 lists\n\nSource: " + src + "\nImported: " + date +
                         "\nLicence: CC BY-SA 4.0, \"UT1 blacklists, Universite Toulouse 1 Capitole\"; keep this "
                         "file with the lists.\n\n| file | entries | skipped | sha256 (uncompressed) |\n"
                         "|---|---:|---:|---|\n";
  for (const std::string& cat : cats) {
    if (!only.empty() && std::find(only.begin(), only.end(), cat) == only.end()) continue;
    const std::string out_dir = tmp + "/" + cat;
    if (::mkdir(out_dir.c_str(), 0755) != 0) return fail(Status::Io(out_dir + ": cannot create"));
    if (auto u = ReadFileToString(src + "/" + cat + "/usage", 1 << 20); u.ok()) {
      if (Status s = WriteFileAtomically(out_dir + "/usage", *u); !s.ok()) return fail(s);
    }
    struct Kind {
      const char* name;
      EntryKind kind;
      Status (SiteListBuilder::*add)(const std::string&, const std::string&, bool, ListLoadReport*);
    };
    for (const Kind k : {Kind{"domains", EntryKind::kDomain, &SiteListBuilder::AddDomainsFile},
                         Kind{"urls", EntryKind::kUrl, &SiteListBuilder::AddUrlsFile},
                         Kind{"expressions", EntryKind::kExpression, &SiteListBuilder::AddExpressionsFile}}) {
      std::string in = src + "/" + cat + "/" + k.name;
      struct stat st;
      if (::stat(in.c_str(), &st) != 0) in += ".gz";
      if (::stat(in.c_str(), &st) != 0) continue;
      SiteListBuilder b;
      ListLoadReport report;
      if (Status s = (b.*k.add)(cat, in, strict, &report); !s.ok()) return fail(s);
      std::string text;
      for (const std::string& e : b.TakeEntries(k.kind)) text += e + "\n";
      const std::string rel = cat + "/" + k.name + ".gz";
      if (Status s = WriteGz(tmp + "/" + rel, text); !s.ok()) return fail(s);
      char row[512];
      std::snprintf(row, sizeof row, "| %s | %zu | %zu | %s |\n", rel.c_str(), report.entries, report.skipped,
                    Sha256Hex(text).c_str());
      manifest += row;
      if (reports) reports->push_back(std::move(report));
    }
  }
  if (Status s = WriteFileAtomically(tmp + "/MANIFEST.md", manifest); !s.ok()) return fail(s);
  if (IsDir(dest)) {
    const std::string old = dest + ".replaced-" + std::to_string(::getpid());
    if (::rename(dest.c_str(), old.c_str()) != 0) return fail(Status::Io(dest + ": cannot move the old tree aside"));
    if (::rename(tmp.c_str(), dest.c_str()) != 0) {
      ::rename(old.c_str(), dest.c_str());
      return fail(Status::Io(dest + ": cannot rename the new tree into place"));
    }
    RemoveTree(old);
    return Status::Ok();
  }
  if (::rename(tmp.c_str(), dest.c_str()) != 0) return fail(Status::Io(dest + ": cannot rename the new tree into place"));
  return Status::Ok();
}

}  // namespace moisson::blocklists
