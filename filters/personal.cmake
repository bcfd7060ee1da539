# sensitive.* and minor detectors (filters/personal.h): one Vectorscan pass over
# folded text, RE2 for the minor rules, lexicons and rules in data/personal/.
target_sources(moisson_filters PRIVATE personal.cc)
target_compile_definitions(moisson_filters PRIVATE MOISSON_FILTERS_DATA_DIR="${CMAKE_CURRENT_SOURCE_DIR}/data")
find_package(PkgConfig REQUIRED)
if(NOT TARGET PkgConfig::HS)
  pkg_check_modules(HS REQUIRED IMPORTED_TARGET libhs)
endif()
if(NOT TARGET PkgConfig::RE2)
  pkg_check_modules(RE2 REQUIRED IMPORTED_TARGET re2)
endif()
target_link_libraries(moisson_filters PRIVATE PkgConfig::HS PkgConfig::RE2)
# What a whole page is (filters/content.h): term lists in data/content/, the
# same Vectorscan compile and scan (scan_database.h).
target_sources(moisson_filters PRIVATE content.cc)
