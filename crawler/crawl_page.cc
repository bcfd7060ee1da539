// A page's fetch and outcome: the response judged (statuses, redirects,
// content types), the filter chain off the loop, links admitted, the ledger
// row and the outputs.
#include "crawler/crawl_internal.h"
#include "pipeline/provenance.h"

namespace moisson::crawler::internal {

void Crawl::StartPageFetch(Host* h, Item item) {
  FetchRequest req;
  req.url = item.url;
  if (item.kind == 1) {
    req.max_body_bytes = kMaxSitemapBytes;  // any type: sitemaps come as XML, gzip or text
  } else {
    req.content_types = opts_.content_types;
  }
  ++h->in_flight;
  ++in_flight_;
  fetcher_.Start(std::move(req), [this, h, item = std::move(item)](FetchResult r) mutable {
    OnPageFetched(h, std::move(item), std::move(r));
  });
}

void Crawl::OnPageFetched(Host* h, Item item, FetchResult r) {
  --h->in_flight;
  --in_flight_;
  ArmPump();  // a slot is free for the other hosts
  const auto now = Clock::now();
  auto after = [now](double s) {
    return now + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
  };
  h->next = after(h->delay);
  stats_.bytes += r.received_bytes;
  if (r.error == FetchError::kCancelled) {  // stopping: it stays queued in the state and is fetched on resume
    MaybeFinish();
    return;
  }
  const bool transient = r.error == FetchError::kTimeout || r.error == FetchError::kNetwork ||
                         (r.error == FetchError::kNone && (r.status == 429 || r.status == 503));
  if (transient && item.tries < opts_.max_retries && !stopping_) {
    ++item.tries;
    ++stats_.retries;
    double wait = h->base_delay * std::pow(2.0, item.tries);
    if (r.status == 429 || r.status == 503) {
      const double ra = ParseRetryAfter(r.Header("retry-after"));
      if (ra >= 0) wait = std::max(wait, std::min(ra, opts_.max_retry_after));
      // The host asked us to slow down: the delay doubles (up to the Crawl-delay cap) for the rest of the crawl.
      h->delay = std::min(std::max(h->delay * 2, 0.001), std::max(opts_.max_crawl_delay, h->base_delay));
    }
    h->next = after(std::max(wait, h->delay));
    h->queue.push_front(std::move(item));
    ++queued_;
    Reschedule(h);
    return;
  }
  if (r.error == FetchError::kNone) ++stats_.fetched;
  auto finish = [&](std::vector<std::string> reasons, std::string signal, bool fetched) {
    Record(item, h->site, "drop", std::move(reasons), r.status, fetched, std::move(signal));
    MarkDone(item.id);
    Reschedule(h);
    MaybeFinish();
  };
  if (r.error != FetchError::kNone) {
    ++stats_.errors;
    finish({std::string("fetch.") + FetchErrorCode(r.error)}, r.error_detail,
           r.error != FetchError::kAddressRefused);
    return;
  }
  if (r.status >= 300 && r.status < 400 && r.status != 304) {
    ++stats_.redirects;
    const std::string location = r.Header("location");
    auto target = ResolveUrl(item.url, location);
    if (location.empty() || !target.ok()) {
      finish({"redirect.invalid"}, LocationSignal(location), true);  // never the credentials
      return;
    }
    std::string reason = "redirect";
    if (item.hops + 1 > kMaxRedirects) {
      reason = "redirect.too_many";
    } else {
      switch (Admit(target.value(), item.depth, item.hops + 1, false)) {
        case Admission::kAdmitted: break;
        case Admission::kBlocked: reason = "redirect.blocked"; break;
        case Admission::kSeen: reason = "redirect.seen"; break;
        case Admission::kOutOfScope: reason = "redirect.out_of_scope"; break;
        default: reason = "redirect.refused"; break;
      }
    }
    finish({reason}, "Location: " + target.value(), true);
    return;
  }
  if (r.status == 401 || r.status == 403 || r.status == 407 || r.status == 451) {
    finish({"access.denied"}, "HTTP " + std::to_string(r.status), true);  // R7: never retried
    return;
  }
  if (r.status < 200 || r.status >= 300) {
    finish({"http." + std::to_string(r.status)}, "", true);
    return;
  }
  if (item.kind == 1) {  // a sitemap: parsed off the loop, its locations admitted
    ++processing_;
    Reschedule(h);
    asio::post(pool_, [this, h, item = std::move(item), r = std::move(r)]() mutable {
      Result<Sitemap> map = ParseSitemap(r.body, item.url);
      r.body.clear();
      asio::post(io_, [this, h, item = std::move(item), r = std::move(r), map = std::move(map)]() mutable {
        OnSitemap(h, item, r, std::move(map));
      });
    });
    return;
  }
  // The filter chain, off the loop.
  ++processing_;
  Reschedule(h);
  asio::post(pool_, [this, h, item = std::move(item), r = std::move(r)]() mutable {
    io::InputRecord rec;
    rec.id = UrlId(item.url);
    rec.url = item.url;
    rec.date = UtcNowIso8601();
    rec.kind = (r.content_type == "text/plain") ? io::ContentKind::kText : io::ContentKind::kHtml;
    rec.content = std::move(r.body);
    rec.charset = r.charset;
    rec.headers = r.headers;
    pipeline::CrawlHints hints;
    pipeline::ProcessedDocument doc = parts_.processor->Process(rec, &hints);
    if (doc.date.empty()) doc.date = rec.date;
    // Links are resolved here, off the loop (the loop only admits them): a
    // page we do not keep can still lead to pages we may keep.
    std::vector<std::string> links, credential_links;
    const bool follow = !hints.nofollow && !XRobotsNofollow(r);
    if (follow) {
      std::string base = item.url;
      if (!hints.base_href.empty()) {
        if (auto b = ResolveUrl(item.url, hints.base_href); b.ok()) base = std::move(b).value();
      }
      const UrlResolver resolver(base);
      links.reserve(hints.links.size());
      for (const auto& href : hints.links) {
        if (auto target = resolver.Resolve(href); target.ok()) {
          links.push_back(std::move(target).value());
        } else if (const std::string bare = WithoutCredentials(href); !bare.empty()) {
          // Refused for its user:password@; what it pointed to gets a ledger row.
          if (auto t = resolver.Resolve(bare); t.ok()) credential_links.push_back(std::move(t).value());
        }
      }
    }
    const std::size_t over_cap = follow ? hints.links_over_cap : 0;  // nothing followed: none left out by the cap
    std::string body = opts_.warc ? std::move(rec.content) : std::string();
    asio::post(io_, [this, h, item = std::move(item), r = std::move(r), doc = std::move(doc),
                     body = std::move(body), links = std::move(links),
                     credential_links = std::move(credential_links), over_cap]() mutable {
      for (const auto& link : links) Admit(link, item.depth + 1, 0, false);
      for (const auto& link : credential_links) RecordCredentialLink(link, item.depth + 1);
      OnProcessed(h, item, r, std::move(doc), over_cap, std::move(body));
    });
  });
}

void Crawl::OnProcessed(Host* h, const Item& item, const FetchResult& meta, pipeline::ProcessedDocument doc,
                        std::size_t links_over_cap,
                        std::string body) {
  --processing_;
  // The chain's row (pipeline/provenance.h), with what the fetch adds; the
  // output file is set when the record is written.
  audit::LedgerRow row = pipeline::LedgerRowOf(doc, "");
  row.url = item.url;
  if (row.site.empty()) row.site = h->site;
  row.considered_at = doc.date;  // the fetch time
  row.http_status = meta.status;
  row.fetched = true;
  row.signal = doc.policy_signal;
  if (links_over_cap > 0) {  // the page's links past the per-page cap were not followed
    stats_.links_over_cap += links_over_cap;
    row.signal += (row.signal.empty() ? "" : "; ") + std::to_string(links_over_cap) +
                  " links past the cap of " + std::to_string(io::kMaxPageLinks) +
                  " per page not followed";
  }
  if (doc.verdict != filters::Verdict::kDrop) {
    JsonWriter f;
    f.BeginObject()
        .Key("status").Int(meta.status)
        .Key("content_type").String(meta.content_type)
        .Key("ip").String(meta.ip)
        .Key("bytes").Int(static_cast<std::int64_t>(meta.received_bytes))
        .Key("depth").Int(item.depth)
        .EndObject();
    if (Status st = shards_->Write(pipeline::OutputJson(doc, f.str())); !st.ok()) return Fail(st);
    row.output_file = shards_->CurrentPath();
    row.output_id = doc.id;
    if (warc_ && doc.verdict == filters::Verdict::kKeep) {
      io::WarcExchange x;
      x.target_uri = item.url;
      x.date = doc.date;
      x.ip_address = meta.ip;
      x.request_head = meta.request_head;
      x.response_head = StoredResponseHead(meta.response_head, body.size());
      x.payload = body;
      if (Status st = warc_->Write(x); !st.ok()) {
        // A record the WARC writer refuses (a head it cannot store) is left
        // out of the WARC, not the crawl; a write error stops the crawl.
        if (st.code() != Status::Code::kInvalidArgument) return Fail(st);
        ++stats_.by_reason["warc.skipped"];
      }
    }
    (doc.verdict == filters::Verdict::kKeep ? stats_.kept : stats_.modified)++;
  } else {
    ++stats_.dropped;
    for (const auto& r : row.reasons) ++stats_.by_reason[r];
    // A pornographic page: the site is not crawled further (CNIL fiche 8.2),
    // as if a list named it; the verdict keeps the page that decided it.
    if (pipeline::HasReason(doc, "content.adult") && !adult_sites_.contains(h->site)) {
      adult_sites_[h->site] = item.url + " (" + doc.policy_signal + ")";
      std::string lines;
      for (const auto& [site, evidence] : adult_sites_) lines += site + "\t" + evidence + "\n";
      pending_.meta.emplace_back("adult_sites", std::move(lines));
    }
  }
  pending_rows_.push_back(std::move(row));
  MarkDone(item.id);
  MaybeFinish();
}

void Crawl::OnSitemap(Host* h, const Item& item, const FetchResult& meta, Result<Sitemap> map) {
  --processing_;
  if (!map.ok()) {
    Record(item, h->site, "drop", {"sitemap.invalid"}, meta.status, true, map.status().message());
  } else {
    ++stats_.sitemaps;
    std::size_t admitted = 0;
    for (const auto& loc : map->locs) {
      auto u = ResolveUrl(item.url, loc);
      if (!u.ok()) continue;
      // An index lists sitemaps (followed two levels deep); a urlset lists pages, one link from a seed.
      const Admission a = map->index ? (item.depth < 2 ? Admit(u.value(), item.depth + 1, 0, false, 0, 1)
                                                        : Admission::kTooDeep)
                                     : Admit(u.value(), 1, 0, false);
      if (a == Admission::kAdmitted || a == Admission::kBlocked) ++admitted;
    }
    Record(item, h->site, "drop", {map->index ? "sitemap.index" : "sitemap"}, meta.status, true,
           std::to_string(map->locs.size()) + " locations, " + std::to_string(admitted) + " admitted" +
               (map->truncated ? " (truncated)" : ""));
  }
  MarkDone(item.id);
  Reschedule(h);
  MaybeFinish();
}

void Crawl::Record(const Item& item, const std::string& site, const char* decision, std::vector<std::string> reasons,
                   int status, bool fetched, std::string signal) {
  if (!fetched) ++stats_.blocked;
  for (const auto& r : reasons) ++stats_.by_reason[r];
  audit::LedgerRow row;
  row.url = item.url;
  row.site = site;
  row.decision = decision;
  row.reasons = std::move(reasons);
  row.http_status = status;
  row.fetched = fetched;
  // The ledger refuses commas in reasons, not in signals; keep signals short and on one line.
  for (char& c : signal) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  if (signal.size() > 512) signal.resize(512);
  row.signal = std::move(signal);
  pending_rows_.push_back(std::move(row));
}

// A link that carried user:password@ is never followed (NormaliseUrl refuses
// it); `url` is what it pointed to, without the credentials. In scope and
// within the budget, it is admitted as a URL refused before any lookup: one
// ledger row (link.credentials, fetched = 0), once per URL. Its seen-set key
// is not the URL itself, so the same URL linked without credentials is still
// admitted (and has a second row, for that link).
void Crawl::RecordCredentialLink(const std::string& url, int depth) {
  if (depth > opts_.max_depth) return;
  auto u = ParseHttpUrl(url);
  std::string host, site;
  if (!u.ok() || !HostAndSite(u.value(), &host, &site) || !InScope(host, site) || !WithinBudget(site)) return;
  if (!seen_.Insert(CredentialLinkKey(url))) return;
  Item item;
  item.id = next_id_++;
  item.url = url;
  item.depth = depth;
  pending_.new_urls.push_back({item.id, url, depth, 0, true, kCredentialLink});
  ++stats_.admitted;
  ++site_admitted_[site];
  Record(item, site, "drop", {"link.credentials"}, 0, false,
         "linked with user:password@ (credentials are never sent, nor stored here)");
}

}  // namespace moisson::crawler::internal
