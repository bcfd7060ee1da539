// Identifiers in one normal form and one keyed digest, for what a page holds
// (the chain's identify stage: ledger index, pseudonymisation tokens, the
// person opt-out) and for what a rights request names (IdentifierDigest):
// both go through the same functions, so a request finds what a run indexed.
//
// The normal form is the opt-out registry's when the registry reads the type
// (e-mail: lower case and its +tag / Gmail-dot forms; phone: E.164), else the
// type's own (handle: "*:name" whatever the platform; ip: inet_ntop's text;
// nir: upper case without separators). The digest is HMAC-SHA-256 under the
// project key of "type 0x00 form".
#ifndef MOISSON_PIPELINE_IDENTIFIERS_H_
#define MOISSON_PIPELINE_IDENTIFIERS_H_

#include <optional>
#include <string>
#include <string_view>

#include "blocklists/optout.h"
#include "core/keyed_hash.h"
#include "core/status.h"
#include "filters/category.h"

namespace moisson::pipeline {

// An identifier seen in a document, by its keyed digest only.
struct SeenIdentifier {
  std::string type;        // "email", "phone", "handle", "ip", "nir"
  std::string hex_digest;  // HMAC-SHA-256(project key, type 0x00 normalised), hex
};

// What identifying a finding needs.
struct IdentifierIndex {
  const ProjectKey* key = nullptr;                       // no key: no digest, tokens without one
  const blocklists::OptOutRegistry* registry = nullptr;  // optional
  std::string phone_region = "FR";
};

struct FoundIdentifier {
  std::optional<SeenIdentifier> indexed;  // for the identifier types of the ledger's index
  bool opted_out = false;                 // the person is on the opt-out registry
  std::string token;                      // "[id.email:1a2b3c4d]" when asked for
};

// The finding `d` of `text` (its span must lie inside `text`). Categories
// other than id.* get a digest space of their own (their category id) for
// their token, and are not indexed.
FoundIdentifier IdentifyFinding(const IdentifierIndex& index, std::string_view text, const filters::Detection& d,
                                bool want_token);

// The ledger digest of an identifier as the chain indexes it, for rights
// requests ("which documents held my e-mail?"): `type` is "email", "phone",
// "handle" ("platform:name", "@name", a profile URL or a bare name: handles
// are indexed whatever the platform), "ip" or "nir". Errors name the type,
// never the value.
Result<std::string> IdentifierDigest(const ProjectKey& key, std::string_view type, std::string_view value,
                                     std::string_view phone_region);

}  // namespace moisson::pipeline

#endif  // MOISSON_PIPELINE_IDENTIFIERS_H_
