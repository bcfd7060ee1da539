// robots_bench: parse + match throughput of moisson's robots.txt engine over a
// corpus of real robots.txt files, against Scrapy's parser (protego, Debian's
// python3-protego) on the same workload in the same run.
//
//   robots_bench [CORPUS_DIR] [--seconds S] [--no-baseline]
//
// CORPUS_DIR defaults to ../shared/corpus/robots-real beside the source tree.
// Workload: every *.txt file is parsed once, then 5 agents x up to 30 URLs are
// matched against it (fixed paths plus paths taken from the file's own rules,
// so rules actually fire). The same workload is written to a JSONL file that
// bench/protego_baseline.py reads, so both sides do identical work.
#include <dirent.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "core/file_util.h"
#include "core/json.h"
#include "core/url.h"
#include "policy/robots.h"

namespace {

using moisson::RobotsMode;
using moisson::policy::RobotsTxt;

struct Item {
  std::string path;
  std::string body;
  std::vector<std::string> urls;
};

const std::vector<std::string> kAgents = {"Googlebot", "GPTBot", "CCBot", "moisson", "FooBot"};

std::vector<std::string> UrlsFor(const std::string& body) {
  std::vector<std::string> paths = {"/", "/index.html", "/search?q=test", "/admin/", "/wp-admin/admin-ajax.php",
                                    "/images/photo.jpg", "/api/v1/users?id=3", "/blog/2024/01/post-title",
                                    "/cart/checkout", "/%E3%83%84/page"};
  // Up to 20 paths from the file's own rules, wildcards filled in.
  std::istringstream in(body);
  std::string line;
  while (std::getline(in, line) && paths.size() < 30) {
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string key = line.substr(0, colon);
    for (char& c : key) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (key != "allow" && key != "disallow") continue;
    std::string v = line.substr(colon + 1);
    v.erase(0, v.find_first_not_of(" \t"));
    v = v.substr(0, v.find_first_of(" \t\r#"));
    if (v.empty() || v[0] != '/') continue;
    std::string p;
    for (char c : v) {
      if (c == '*') p += "x";
      else if (c != '$') p += c;
    }
    paths.push_back(p);
  }
  std::vector<std::string> urls;
  for (const auto& p : paths) urls.push_back("https://www.example.com" + p);
  return urls;
}

struct Result {
  double seconds = 0;
  std::size_t checks = 0;
  std::size_t bytes = 0;
  std::size_t disallowed = 0;
};

// Repeats `pass` over the corpus until `min_seconds` have passed.
template <typename Pass>
Result Repeat(double min_seconds, Pass&& pass) {
  Result r;
  const auto start = std::chrono::steady_clock::now();
  do {
    pass(&r);
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  } while (r.seconds < min_seconds);
  return r;
}

// Every agent x URL of one file against its parsed rules.
void CheckItem(const RobotsTxt& txt, const Item& item, Result* r) {
  for (const std::string& url : item.urls) {
    const std::string path = moisson::PathParamsQuery(url);
    for (const std::string& agent : kAgents) {
      r->disallowed += !txt.Match(agent, path).allowed;
      ++r->checks;
    }
  }
}

// Parse + match: what a fresh site costs.
Result RunMoisson(const std::vector<Item>& items, RobotsMode mode, double min_seconds) {
  return Repeat(min_seconds, [&](Result* r) {
    for (const Item& item : items) {
      r->bytes += item.body.size();
      CheckItem(RobotsTxt::Parse(item.body, mode), item, r);
    }
  });
}

// Parse only: the cost paid once per site and cache period.
Result RunParseOnly(const std::vector<Item>& items, RobotsMode mode, double min_seconds) {
  return Repeat(min_seconds, [&](Result* r) {
    for (const Item& item : items) {
      const RobotsTxt txt = RobotsTxt::Parse(item.body, mode);
      r->bytes += item.body.size();
      r->disallowed += txt.groups().size();  // keeps the parse from being optimised away
    }
  });
}

// Match only, on files parsed beforehand: the cost paid per URL.
Result RunMatchOnly(const std::vector<Item>& items, RobotsMode mode, double min_seconds) {
  std::vector<RobotsTxt> parsed;
  for (const Item& item : items) parsed.push_back(RobotsTxt::Parse(item.body, mode));
  return Repeat(min_seconds, [&](Result* r) {
    for (std::size_t i = 0; i < items.size(); ++i) CheckItem(parsed[i], items[i], r);
  });
}

void Print(const char* name, const Result& r) {
  std::printf("%-28s %10.0f checks/s  %8.2f MB/s parsed  (%zu checks, %zu disallowed, %.2f s)\n", name,
              r.checks / r.seconds, r.bytes / r.seconds / 1e6, r.checks, r.disallowed, r.seconds);
}

}  // namespace

int main(int argc, char** argv) {
  std::string dir = std::string(MOISSON_SOURCE_DIR) + "/../shared/corpus/robots-real";
  double min_seconds = 2.0;
  bool baseline = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc) {
      min_seconds = std::atof(argv[++i]);
    } else if (a == "--no-baseline") {
      baseline = false;
    } else if (a == "--help" || a == "-h") {
      std::cout << "usage: robots_bench [CORPUS_DIR] [--seconds S] [--no-baseline]\n";
      return 0;
    } else {
      dir = a;
    }
  }
  std::vector<Item> items;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    std::cerr << "robots_bench: cannot open corpus directory " << dir << "\n";
    return 2;
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    const std::string n = e->d_name;
    if (n.size() > 4 && n.substr(n.size() - 4) == ".txt") names.push_back(n);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  std::size_t total_bytes = 0;
  for (const auto& n : names) {
    auto body = moisson::ReadFileToString(dir + "/" + n);
    if (!body.ok()) {
      std::cerr << "robots_bench: " << body.status().message() << "\n";
      return 2;
    }
    Item item{dir + "/" + n, std::move(body.value()), {}};
    item.urls = UrlsFor(item.body);
    total_bytes += item.body.size();
    items.push_back(std::move(item));
  }
  std::size_t per_pass = 0;
  for (const auto& i : items) per_pass += i.urls.size() * kAgents.size();
  std::printf("corpus: %s\n%zu files, %.2f MB, %zu checks per pass (%zu agents)\n\n", dir.c_str(), items.size(),
              total_bytes / 1e6, per_pass, kAgents.size());

  const Result google = RunMoisson(items, RobotsMode::kGoogle, min_seconds);
  const Result rfc = RunMoisson(items, RobotsMode::kRfc, min_seconds);
  Print("moisson (google mode)", google);
  Print("moisson (rfc mode)", rfc);
  const Result parse_only = RunParseOnly(items, RobotsMode::kGoogle, min_seconds / 2);
  const Result match_only = RunMatchOnly(items, RobotsMode::kGoogle, min_seconds / 2);
  std::printf("  of which, google mode: parse only %.2f MB/s; match only (pre-parsed) %.0f checks/s\n",
              parse_only.bytes / parse_only.seconds / 1e6, match_only.checks / match_only.seconds);
  if (!baseline) return 0;

  // The same workload for protego.
  char tmpl[] = "/tmp/robots_bench_XXXXXX";
  const int fd = ::mkstemp(tmpl);
  if (fd < 0) {
    std::cerr << "robots_bench: cannot create a temporary file\n";
    return 1;
  }
  ::close(fd);
  {
    std::ofstream out(tmpl);
    for (const auto& i : items) {
      moisson::JsonWriter w;
      w.BeginObject().Key("file").String(i.path).Key("agents").BeginArray();
      for (const auto& a : kAgents) w.String(a);
      w.EndArray().Key("urls").BeginArray();
      for (const auto& u : i.urls) w.String(u);
      w.EndArray().EndObject();
      out << w.str() << "\n";
    }
  }
  const std::string cmd = "/usr/bin/python3 " + std::string(MOISSON_SOURCE_DIR) + "/bench/protego_baseline.py " +
                          tmpl + " " + std::to_string(min_seconds);
  FILE* p = ::popen(cmd.c_str(), "r");
  std::string py;
  char buf[4096];
  while (p != nullptr && std::fgets(buf, sizeof buf, p)) py += buf;
  const int rc = p ? ::pclose(p) : -1;
  ::unlink(tmpl);
  Result base;
  if (rc != 0 || std::sscanf(py.c_str(), "%lf %zu %zu %zu", &base.seconds, &base.checks, &base.bytes,
                             &base.disallowed) != 4) {
    std::cerr << "robots_bench: the protego baseline failed (is python3-protego installed?)\n" << py;
    return 1;
  }
  Print("protego (Scrapy, python3)", base);
  std::printf("\nratio moisson google / protego: %.1fx checks/s\n",
              (google.checks / google.seconds) / (base.checks / base.seconds));
  std::printf("ratio moisson rfc / protego:    %.1fx checks/s\n",
              (rfc.checks / rfc.seconds) / (base.checks / base.seconds));
  return 0;
}
