target_sources(moisson_io PRIVATE html_charset.cc html_nesting.cc html_text.cc)
# The parser is myhtml (libmodest, Debian libmodest-dev): an HTML5 tree builder
# about fourteen times faster than Gumbo on our pages (docs/benchmarks.md).
# Gumbo's tag table still names elements in the nesting-bound pre-scan.
find_path(MYHTML_INCLUDE_DIR myhtml/api.h REQUIRED)
find_library(MODEST_LIBRARY modest REQUIRED)
target_include_directories(moisson_io PRIVATE ${MYHTML_INCLUDE_DIR})
target_link_libraries(moisson_io PRIVATE PkgConfig::GUMBO ${MODEST_LIBRARY})
