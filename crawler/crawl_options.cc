// CrawlOptions and CrawlStats as text: the options kept in the crawl state for
// --resume, and the stats as JSON.
#include <sstream>

#include "core/json.h"
#include "core/strings.h"
#include "crawler/crawler.h"

namespace moisson::crawler {

std::string CrawlOptions::ToText() const {
  std::ostringstream o;
  for (const auto& s : scope_sites) o << "scope_site " << s << "\n";
  for (const auto& d : allow_domains) o << "allow_domain " << d << "\n";
  o << "allow_private " << allow_private << "\n"
    << "delay " << delay << "\n"
    << "max_crawl_delay " << max_crawl_delay << "\n"
    << "concurrency " << concurrency << "\n"
    << "per_host " << per_host << "\n"
    << "max_depth " << max_depth << "\n"
    << "max_pages " << max_pages << "\n"
    << "max_pages_per_site " << max_pages_per_site << "\n"
    << "max_retries " << max_retries << "\n"
    << "max_retry_after " << max_retry_after << "\n"
    << "max_body_bytes " << max_body_bytes << "\n"
    << "max_decode_ratio " << max_decode_ratio << "\n"
    << "timeout " << timeout << "\n"
    << "low_speed_seconds " << low_speed_seconds << "\n"
    << "sitemaps " << sitemaps << "\n"
    << "warc " << warc << "\n"
    << "zstd " << zstd << "\n"
    << "shard_bytes " << shard_bytes << "\n"
    << "checkpoint_seconds " << checkpoint_seconds << "\n";
  for (const auto& t : content_types) o << "content_type " << t << "\n";
  return o.str();
}

Status CrawlOptions::FromText(std::string_view text, const std::string& source) {
  scope_sites.clear();
  allow_domains.clear();
  content_types.clear();
  std::istringstream in{std::string(text)};
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const std::size_t sp = line.find(' ');
    if (sp == std::string::npos) return Status::AtLine(source, n, "malformed crawl option");
    const std::string k = line.substr(0, sp);
    const std::string v = line.substr(sp + 1);
    try {
      if (k == "scope_site") scope_sites.push_back(v);
      else if (k == "allow_domain") allow_domains.push_back(v);
      else if (k == "content_type") content_types.push_back(v);
      else if (k == "allow_private") allow_private = v == "1";
      else if (k == "warc") warc = v == "1";
      else if (k == "sitemaps") sitemaps = v == "1";
      else if (k == "zstd") zstd = v == "1";
      else if (k == "delay") delay = std::stod(v);
      else if (k == "max_crawl_delay") max_crawl_delay = std::stod(v);
      else if (k == "concurrency") concurrency = std::stoi(v);
      else if (k == "per_host") per_host = std::stoi(v);
      else if (k == "max_depth") max_depth = std::stoi(v);
      else if (k == "max_pages") max_pages = std::stoull(v);
      else if (k == "max_pages_per_site") max_pages_per_site = std::stoull(v);
      else if (k == "max_retries") max_retries = std::stoi(v);
      else if (k == "max_retry_after") max_retry_after = std::stod(v);
      else if (k == "max_body_bytes") max_body_bytes = std::stoull(v);
      else if (k == "max_decode_ratio") max_decode_ratio = std::stod(v);
      else if (k == "timeout") timeout = std::stod(v);
      else if (k == "low_speed_seconds") low_speed_seconds = std::stod(v);
      else if (k == "shard_bytes") shard_bytes = std::stoull(v);
      else if (k == "checkpoint_seconds") checkpoint_seconds = std::stod(v);
      else return Status::AtLine(source, n, "unknown crawl option '" + k + "'");
    } catch (const std::exception&) {
      return Status::AtLine(source, n, "bad value for crawl option '" + k + "'");
    }
  }
  return Status::Ok();
}

std::string CrawlStats::Json() const {
  JsonWriter w;
  auto i = [](std::uint64_t v) { return static_cast<std::int64_t>(v); };
  w.BeginObject()
      .Key("finished").Bool(finished)
      .Key("stopped_by").String(stop_reason)
      .Key("admitted").Int(i(admitted))
      .Key("fetched").Int(i(fetched))
      .Key("kept").Int(i(kept))
      .Key("modified").Int(i(modified))
      .Key("dropped").Int(i(dropped))
      .Key("blocked").Int(i(blocked))
      .Key("errors").Int(i(errors))
      .Key("redirects").Int(i(redirects))
      .Key("links_over_cap").Int(i(links_over_cap))
      .Key("sitemaps").Int(i(sitemaps))
      .Key("retries").Int(i(retries))
      .Key("policy_requests").Int(i(policy_requests))
      .Key("bytes").Int(i(bytes))
      .Key("queued").Int(i(queued))
      .Key("hosts").Int(i(hosts))
      .Key("seconds").Double(seconds)
      .Key("cpu_seconds").Double(cpu_seconds)
      .Key("pages_per_second").Double(seconds > 0 ? fetched / seconds : 0);
  w.Key("by_reason").BeginObject();
  for (const auto& [r, n] : by_reason) w.Key(r).Int(i(n));
  w.EndObject().EndObject();
  return w.Take();
}

}  // namespace moisson::crawler
