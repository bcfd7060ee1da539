// Private to blocklists/: the RE2 set behind SiteMatcher's expressions.
#ifndef MOISSON_BLOCKLISTS_SITE_LIST_INTERNAL_H_
#define MOISSON_BLOCKLISTS_SITE_LIST_INTERNAL_H_

#include <re2/re2.h>
#include <re2/set.h>

#include "blocklists/site_list.h"

namespace moisson::blocklists {

struct SiteMatcher::ExpressionSet {
  explicit ExpressionSet(const RE2::Options& options) : set(options, RE2::UNANCHORED) {}
  RE2::Set set;
};

}  // namespace moisson::blocklists

#endif  // MOISSON_BLOCKLISTS_SITE_LIST_INTERNAL_H_
