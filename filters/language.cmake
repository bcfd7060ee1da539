# Language identification (filters/language.h): CLD2 from Debian's libcld2-dev
# (no pkg-config file: found by name).
target_sources(moisson_filters PRIVATE language.cc)
find_path(CLD2_INCLUDE_DIR cld2/public/compact_lang_det.h REQUIRED)
find_library(CLD2_LIBRARY NAMES cld2 REQUIRED)
target_include_directories(moisson_filters PRIVATE ${CLD2_INCLUDE_DIR})
target_link_libraries(moisson_filters PRIVATE ${CLD2_LIBRARY})
