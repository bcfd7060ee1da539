# Tests of the sensitive.* and minor detectors.
add_executable(moisson_personal_tests personal_test.cc)
target_link_libraries(moisson_personal_tests PRIVATE moisson_filters moisson_catch_main)
catch_discover_tests(moisson_personal_tests)
