// The standard stages of the filter chain (stage.h gives the interface and
// the order). Each is built over parts loaded once (pipeline/chain.h) and
// holds no per-document state.
#ifndef MOISSON_PIPELINE_STAGES_H_
#define MOISSON_PIPELINE_STAGES_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "blocklists/optout.h"
#include "blocklists/site_list.h"
#include "filters/action.h"
#include "filters/content.h"
#include "filters/detector.h"
#include "pipeline/identifiers.h"
#include "pipeline/processor.h"
#include "pipeline/stage.h"
#include "policy/policy.h"

namespace moisson::pipeline {

// Why a URL's source refuses it: the reason code and the rule, as the
// ledger's `signal` says it ("ut1/adult domains pornhub.com").
struct SourceRefusal {
  std::string reason;  // "blocklist.<category>", "optout.site", "optout.person"
  std::string signal;
};
// The judgements of the two source stages, for the chain and for the crawler,
// which asks them of every URL before any DNS lookup (and then runs its chain
// with ProcessorSettings::sources_judged).
std::optional<SourceRefusal> SiteListRefusal(const blocklists::SiteMatcher& lists, const blocklists::SiteUrl& url);
std::optional<SourceRefusal> UrlOptOutRefusal(const blocklists::OptOutRegistry& registry,
                                              const blocklists::SiteUrl& url);

// "blocklist.<category>": the URL is on a [blocklists] list.
std::unique_ptr<Stage> MakeSiteListStage(const blocklists::SiteMatcher& lists);
// "optout.site", "optout.person": the URL's domain or prefix is on the opt-out registry.
std::unique_ptr<Stage> MakeUrlOptOutStage(const blocklists::OptOutRegistry& registry);
// "policy.<code>": the page's own headers and meta tags object; with `sites`
// (a site-policy store, `filter --sites`), its site's captured robots.txt,
// ai.txt and tdmrep.json too, judged as the crawler judges them (both the
// capture nearest the record's date and the latest: the stricter wins), and
// an origin the store does not hold is "sites.unknown", dropped, flagged or
// kept as `unknown` says. Without a store a dump's site files count as not
// published.
inline constexpr std::string_view kUnknownSiteReason = "sites.unknown";
std::unique_ptr<Stage> MakePageSignalStage(const policy::PolicyEngine& engine, const sites::SitePolicies* sites = nullptr,
                                           filters::Action unknown = filters::Action::kFlag);
// "access.login_wall", "access.paywall": not freely accessible (CNIL R7).
std::unique_ptr<Stage> MakeAccessStage();
// The document's language; "lang.uncovered" dropped or kept as `uncovered` says.
std::unique_ptr<Stage> MakeLanguageStage(filters::Action uncovered);
// What the whole page is (content.adult, content.health_forum,
// content.minors_network: filters/content.h), each a document-level finding
// with its action; a dropping one ends the document ("content.adult").
std::unique_ptr<Stage> MakeContentStage(const filters::ContentClassifier& classifier,
                                        const filters::ActionTable& actions);
// Every SPEC §3 category in the text and the title, with its action.
std::unique_ptr<Stage> MakeDetectStage(const filters::Detector& detector, const filters::ActionTable& actions);
// Identifier digests for the ledger, tokens, the person opt-out ("optout.person").
std::unique_ptr<Stage> MakeIdentifyStage(IdentifierIndex index);
// The category actions: drop, or keep with spans redacted and pseudonymised.
std::unique_ptr<Stage> MakeActStage();

// The page's policy meta tags (robots, tdm-reservation, ...) from the chain's
// HTML parse, as the policy engine reads them: the one meta extraction, for
// the page-signal stage and for `policy explain --html`.
std::vector<policy::MetaTag> PolicyMetaTags(std::vector<io::PolicyMeta> meta);
std::vector<policy::MetaTag> PolicyMetaTagsOf(std::string_view html);

// The standard chain over `parts` in order; a part that is null leaves its
// stage out (no site lists, no registry, no page signals).
std::vector<std::unique_ptr<Stage>> StandardStages(const ProcessorParts& parts, const ProcessorSettings& settings);

}  // namespace moisson::pipeline

#endif  // MOISSON_PIPELINE_STAGES_H_
