#include "blocklists/defaults.h"

#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>

namespace moisson::blocklists {
namespace {

bool IsDir(const std::string& p) {
  struct stat st;
  return ::stat(p.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

std::vector<std::string> Ut1Categories(const std::string& ut1) {
  std::vector<std::string> out;
  if (DIR* d = ::opendir(ut1.c_str())) {
    while (dirent* e = ::readdir(d)) {
      const std::string n = e->d_name;
      if (n != "." && n != ".." && IsDir(ut1 + "/" + n)) out.push_back(n);
    }
    ::closedir(d);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace

std::string BuiltInDataDir() { return MOISSON_BLOCKLIST_DATA_DIR; }

Status AddConfiguredCategories(const BlocklistConfig& config, bool strict, SiteListBuilder* b,
                               std::vector<ListLoadReport>* reports) {
  const std::string dir = config.data_dir.empty() ? BuiltInDataDir() : config.data_dir;
  if (!IsDir(dir)) return Status::NotFound(dir + ": blocklist data folder not found (blocklists.data_dir)");
  const std::string ut1 = dir + "/ut1";
  const std::vector<std::string> ut1_categories = Ut1Categories(ut1);
  auto report = [&](ListLoadReport&& r) {
    if (reports) reports->push_back(std::move(r));
  };
  for (const std::string& cat : config.categories) {
    if (cat == "health_forums" || cat == "minors_social_networks") {
      for (const char* ext : {".domains", ".urls"}) {
        const std::string path = dir + "/curated/" + cat + ext;
        struct stat st;
        if (::stat(path.c_str(), &st) != 0) continue;
        ListLoadReport r;
        const Status s = std::string(ext) == ".domains" ? b->AddDomainsFile(cat, path, strict, &r)
                                                        : b->AddUrlsFile(cat, path, strict, &r);
        if (!s.ok()) return s;
        report(std::move(r));
      }
      continue;
    }
    if (std::find(ut1_categories.begin(), ut1_categories.end(), cat) == ut1_categories.end()) {
      std::string known = "health_forums, minors_social_networks";
      for (const auto& c : ut1_categories) known += ", " + c;
      return Status::InvalidArgument("unknown blocklist category '" + cat + "' (known: " + known + ")");
    }
    if (Status s = b->AddUt1Directory(ut1, {cat}, strict, reports); !s.ok()) return s;
    b->SetWhite(cat, false);
    if (cat == "adult") {
      // UT1's adult domains (4.6 M) are not shipped; Sinfonietta's hosts stand in.
      ListLoadReport r;
      if (Status s = b->AddHostsFile("adult", dir + "/sinfonietta/pornography-hosts.gz", strict, &r); !s.ok()) return s;
      report(std::move(r));
    }
  }
  return Status::Ok();
}

}  // namespace moisson::blocklists
