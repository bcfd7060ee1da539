# The learned stage (filters/learned.h): a fastText model from Debian's
# libfasttext-dev, its files in data/model/ (scripts/train_detection_model.py).
target_sources(moisson_filters PRIVATE learned.cc)
find_package(PkgConfig REQUIRED)
if(NOT TARGET PkgConfig::FASTTEXT)
  pkg_check_modules(FASTTEXT REQUIRED IMPORTED_TARGET fasttext)
endif()
target_link_libraries(moisson_filters PRIVATE PkgConfig::FASTTEXT)
