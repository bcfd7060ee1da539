#include "pipeline/identifiers.h"

#include <arpa/inet.h>

#include "core/strings.h"

namespace moisson::pipeline {
namespace {

using filters::Category;

// Platforms a bare "@name" may belong to, as the opt-out registry names them
// ("platform:name", docs/blocklists.md). A bare handle is checked against all.
constexpr const char* kPlatforms[] = {"twitter", "x",       "instagram", "tiktok",   "facebook", "linkedin",
                                      "github",  "youtube", "mastodon",  "bluesky",  "threads",  "reddit",
                                      "snapchat", "telegram", "twitch",  "pinterest"};

std::string DigestHex(const Digest& d) { return HexPrefix(d, d.size()); }

// HMAC(key, type 0x00 value): the registry's construction, for the identifier
// types the registry does not hold (ip, nir, other categories).
Digest TypedHmac(const ProjectKey& key, std::string_view type, std::string_view value) {
  std::string data;
  data.reserve(type.size() + 1 + value.size());
  data.append(type).push_back('\0');
  data.append(value);
  return key.Hmac(data);
}

// An identifier in its one indexed form, for Process (what a page holds) and
// IdentifierDigest (what a rights request names) alike: the opt-out
// registry's forms when the registry reads the type (e-mail, phone), else
// the type's own normal form, digested under the type's name.
struct Canonical {
  std::optional<blocklists::OptOutType> registry_type;
  std::vector<std::string> registry_forms;  // the first one is digested
  std::string form;                         // digested when there is no registry form
};

// False when `value` is not an identifier of `type` at all (an address that
// does not parse, an empty handle).
bool CanonicalIdentifier(std::string_view type, std::string_view value, const std::string& phone_region,
                         Canonical* out) {
  using blocklists::OptOutType;
  auto registry = [&](OptOutType t) {
    out->registry_type = t;
    if (auto forms = blocklists::NormaliseIdentifier(t, value, "", phone_region); forms.ok()) {
      out->registry_forms = std::move(forms).value();
    }
  };
  if (type == "email") {
    registry(OptOutType::kEmail);
    out->form = AsciiLower(value);
  } else if (type == "phone") {
    registry(OptOutType::kPhone);
    out->form = std::string(value);
  } else if (type == "handle") {
    // "@name", "platform:name" or a profile URL ".../name", ".../@name": the
    // name is the last segment, indexed whatever the platform ("*:name").
    std::string_view name = value;
    while (!name.empty() && name.back() == '/') name.remove_suffix(1);
    if (const auto slash = name.rfind('/'); slash != std::string_view::npos) {
      name.remove_prefix(slash + 1);
    } else if (const auto colon = name.rfind(':'); colon != std::string_view::npos) {
      name.remove_prefix(colon + 1);
    }
    if (!name.empty() && name.front() == '@') name.remove_prefix(1);
    if (name.empty()) return false;
    out->form = "*:" + AsciiLower(name);
  } else if (type == "ip") {
    const std::string s(value);
    unsigned char buf[16];
    char text[INET6_ADDRSTRLEN];
    if (inet_pton(AF_INET, s.c_str(), buf) == 1 && inet_ntop(AF_INET, buf, text, sizeof text)) {
      out->form = text;
    } else if (inet_pton(AF_INET6, s.c_str(), buf) == 1 && inet_ntop(AF_INET6, buf, text, sizeof text)) {
      out->form = text;
    } else {
      return false;
    }
  } else if (type == "nir") {
    for (char c : value) {
      if (c != ' ' && c != '.' && c != '-') out->form.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 32) : c);
    }
  } else {
    out->form = std::string(value);  // another category pseudonymised: its own digest space
  }
  return true;
}

Digest CanonicalDigest(const ProjectKey& key, std::string_view type, const Canonical& c) {
  if (c.registry_type && !c.registry_forms.empty()) {
    return blocklists::OptOutDigest(key, *c.registry_type, c.registry_forms.front());
  }
  return TypedHmac(key, type, c.form);
}

}  // namespace

FoundIdentifier IdentifyFinding(const IdentifierIndex& index, std::string_view text, const filters::Detection& d,
                                bool want_token) {
  using blocklists::OptOutType;
  FoundIdentifier out;
  const std::string_view span = text.substr(d.start, d.end - d.start);
  const ProjectKey* key = index.key;
  const auto* reg = index.registry;
  // The identifier types of the ledger's index; other categories configured
  // to be pseudonymised get a digest space of their own, not indexed.
  const char* type = nullptr;
  switch (d.category) {
    case Category::kIdEmail: type = "email"; break;
    case Category::kIdPhone: type = "phone"; break;
    case Category::kIdHandle: type = "handle"; break;
    case Category::kIdIp: type = "ip"; break;
    case Category::kIdNir: type = "nir"; break;
    default: break;
  }
  const std::string_view space = type ? std::string_view(type) : filters::CategoryId(d.category);
  Canonical c;
  if (!CanonicalIdentifier(space, span, index.phone_region, &c)) {
    c = Canonical{};
    c.form = std::string(span);  // a detection the normal form does not read: digested as found
  }
  std::optional<Digest> digest;
  if (key) digest = CanonicalDigest(*key, space, c);
  if (reg) {
    for (const auto& f : c.registry_forms) {
      if (reg->ContainsNormalised(*c.registry_type, f)) out.opted_out = true;
    }
    if (d.category == Category::kIdHandle && c.form.size() > 2) {
      const std::string name = c.form.substr(2);  // "*:name"
      for (const char* p : kPlatforms) {
        if (reg->ContainsNormalised(OptOutType::kHandle, std::string(p) + ":" + name)) out.opted_out = true;
      }
    }
  }
  if (digest && type) out.indexed = SeenIdentifier{type, DigestHex(*digest)};
  if (want_token) {
    out.token = "[";
    out.token.append(filters::CategoryId(d.category));
    if (digest) out.token.append(":").append(HexPrefix(*digest, 4));
    out.token.append("]");
  }
  return out;
}

Result<std::string> IdentifierDigest(const ProjectKey& key, std::string_view type, std::string_view value,
                                     std::string_view phone_region) {
  if (type != "email" && type != "phone" && type != "handle" && type != "ip" && type != "nir") {
    return Status::InvalidArgument("unknown identifier type '" + std::string(type) +
                                   "' (email, phone, handle, ip, nir)");
  }
  if (value.empty()) return Status::InvalidArgument("an empty " + std::string(type) + " was given");
  Canonical c;
  if (!CanonicalIdentifier(type, value, std::string(phone_region), &c)) {
    if (type == "ip") return Status::InvalidArgument("not an IPv4 or IPv6 address");
    return Status::InvalidArgument("a handle needs a name (platform:name or @name)");
  }
  return DigestHex(CanonicalDigest(key, type, c));
}

}  // namespace moisson::pipeline
