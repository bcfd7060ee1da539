#include "crawler/sitemap.h"

#include <zlib.h>

#include <cstdint>

#include "core/strings.h"
#include "core/utf8.h"

namespace moisson::crawler {
namespace {

Status Inflate(std::string_view gz, const std::string& source, std::string* out, bool* truncated) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 32) != Z_OK) return Status::Internal(source + ": cannot start gzip decoding");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(gz.data()));
  z.avail_in = static_cast<uInt>(gz.size());
  char buf[1 << 16];
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    z.next_out = reinterpret_cast<Bytef*>(buf);
    z.avail_out = sizeof buf;
    rc = inflate(&z, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      inflateEnd(&z);
      return Status::InvalidArgument(source + ": sitemap is not valid gzip");
    }
    const std::size_t n = sizeof buf - z.avail_out;
    if (out->size() + n > kMaxSitemapBytes) {
      out->append(buf, kMaxSitemapBytes - out->size());
      *truncated = true;
      break;
    }
    out->append(buf, n);
    if (rc == Z_OK && n == 0 && z.avail_in == 0) {  // input ended before the stream did
      inflateEnd(&z);
      return Status::InvalidArgument(source + ": sitemap gzip stream is truncated");
    }
  }
  inflateEnd(&z);
  return Status::Ok();
}

// The text of a <loc> element: CDATA kept as is, entities decoded, tags dropped.
std::string LocText(std::string_view raw) {
  std::string out;
  std::size_t i = 0;
  while (i < raw.size()) {
    if (raw.substr(i, 9) == "<![CDATA[") {
      const std::size_t end = raw.find("]]>", i + 9);
      const std::size_t stop = end == std::string_view::npos ? raw.size() : end;
      out.append(raw.substr(i + 9, stop - i - 9));
      i = end == std::string_view::npos ? raw.size() : end + 3;
      continue;
    }
    const char c = raw[i];
    if (c == '<') {  // a stray tag inside <loc>
      const std::size_t end = raw.find('>', i);
      i = end == std::string_view::npos ? raw.size() : end + 1;
      continue;
    }
    if (c == '&') {
      const std::size_t semi = raw.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 10) {
        const std::string_view ent = raw.substr(i + 1, semi - i - 1);
        bool done = true;
        if (ent == "amp") out.push_back('&');
        else if (ent == "lt") out.push_back('<');
        else if (ent == "gt") out.push_back('>');
        else if (ent == "quot") out.push_back('"');
        else if (ent == "apos") out.push_back('\'');
        else if (ent.size() >= 2 && ent[0] == '#') {
          std::uint32_t cp = 0;
          const bool hex = ent[1] == 'x' || ent[1] == 'X';
          bool ok = ent.size() > (hex ? 2u : 1u);
          for (std::size_t k = hex ? 2 : 1; ok && k < ent.size(); ++k) {
            const char d = ent[k];
            int v = -1;
            if (d >= '0' && d <= '9') v = d - '0';
            else if (hex && d >= 'a' && d <= 'f') v = d - 'a' + 10;
            else if (hex && d >= 'A' && d <= 'F') v = d - 'A' + 10;
            if (v < 0 || cp > 0x10FFFF) ok = false;
            else cp = cp * (hex ? 16 : 10) + static_cast<std::uint32_t>(v);
          }
          if (ok) AppendUtf8(cp, &out);
          else done = false;
        } else {
          done = false;
        }
        if (done) {
          i = semi + 1;
          continue;
        }
      }
    }
    out.push_back(c);
    ++i;
  }
  return std::string(TrimAsciiSpace(out));
}

// Finds "<name" followed by '>' or whitespace or '/', ASCII case-insensitive,
// with an optional namespace prefix ("<sm:loc>").
std::size_t FindTag(std::string_view s, std::string_view name, std::size_t from, bool closing) {
  for (std::size_t i = s.find('<', from); i != std::string_view::npos; i = s.find('<', i + 1)) {
    std::size_t j = i + 1;
    if (closing) {
      if (j >= s.size() || s[j] != '/') continue;
      ++j;
    }
    std::size_t k = j;
    while (k < s.size() && k - j < 32 && s[k] != ':' && s[k] != '>' && s[k] != ' ' && s[k] != '/') ++k;
    if (k < s.size() && s[k] == ':') j = k + 1;  // a namespace prefix
    if (s.size() - j < name.size() || !EqualsIgnoreCase(s.substr(j, name.size()), name)) continue;
    const std::size_t e = j + name.size();
    if (e < s.size() && (s[e] == '>' || s[e] == ' ' || s[e] == '\t' || s[e] == '\n' || s[e] == '\r' || s[e] == '/')) {
      return i;
    }
  }
  return std::string_view::npos;
}

}  // namespace

Result<Sitemap> ParseSitemap(std::string_view body, const std::string& source) {
  Sitemap map;
  std::string inflated;
  if (body.size() >= 2 && static_cast<unsigned char>(body[0]) == 0x1F && static_cast<unsigned char>(body[1]) == 0x8B) {
    if (Status st = Inflate(body, source, &inflated, &map.truncated); !st.ok()) return st;
    body = inflated;
  }
  if (body.size() > kMaxSitemapBytes) {
    body = body.substr(0, kMaxSitemapBytes);
    map.truncated = true;
  }
  const std::size_t index_at = FindTag(body, "sitemapindex", 0, false);
  const std::size_t urlset_at = FindTag(body, "urlset", 0, false);
  if (index_at == std::string_view::npos && urlset_at == std::string_view::npos) {
    return Status::InvalidArgument(source + ": not a sitemap (no <urlset> or <sitemapindex>)");
  }
  map.index = index_at != std::string_view::npos && (urlset_at == std::string_view::npos || index_at < urlset_at);
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = FindTag(body, "loc", pos, false);
    if (open == std::string_view::npos) break;
    const std::size_t gt = body.find('>', open);
    if (gt == std::string_view::npos) break;
    if (body[gt - 1] == '/') {  // <loc/>
      pos = gt + 1;
      continue;
    }
    const std::size_t close = FindTag(body, "loc", gt + 1, true);
    const std::size_t end = close == std::string_view::npos ? body.size() : close;
    std::string loc = LocText(body.substr(gt + 1, end - gt - 1));
    if (!loc.empty()) {
      if (map.locs.size() == kMaxSitemapUrls) {
        map.truncated = true;
        break;
      }
      map.locs.push_back(std::move(loc));
    }
    if (close == std::string_view::npos) break;
    pos = close + 1;
  }
  return map;
}

}  // namespace moisson::crawler
