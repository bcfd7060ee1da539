# Tests of the pattern detectors (tests/patterns_test.cc), the rule pass they
# share with the sensitive/minor detectors (tests/rule_pass_test.cc) and their exact
# validators (tests/validators_test.cc).
add_executable(moisson_patterns_tests patterns_test.cc rule_pass_test.cc validators_test.cc)
target_link_libraries(moisson_patterns_tests PRIVATE moisson_filters moisson_core moisson_catch_main)
catch_discover_tests(moisson_patterns_tests)
# validators_test compares ValidPhone with libphonenumber's own Parse.
target_link_libraries(moisson_patterns_tests PRIVATE ${PHONENUMBER_LIB})
