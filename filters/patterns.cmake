# Pattern detectors (banking, geo, identifiers): one Vectorscan pass, validators.
target_sources(moisson_filters PRIVATE patterns.cc validators.cc)
pkg_check_modules(HS REQUIRED IMPORTED_TARGET libhs)
pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
find_library(PHONENUMBER_LIB phonenumber REQUIRED)
target_link_libraries(moisson_filters PRIVATE PkgConfig::HS PkgConfig::RE2 ${PHONENUMBER_LIB})
