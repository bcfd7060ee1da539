# moisson report: the renderer's unit tests (escaping, labels, time buckets,
# empty/one/thousands of sites), then the page laid out by headless Chromium
# (tests/report/test_report.py: charts measured in the DOM, a screenshot).
add_executable(moisson_report_tests report_html_test.cc)
target_link_libraries(moisson_report_tests PRIVATE moisson_report moisson_catch_main)
catch_discover_tests(moisson_report_tests)

add_test(NAME report_chromium COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/report/test_report.py
         $<TARGET_FILE:moisson> ${PROJECT_SOURCE_DIR})
set_tests_properties(report_chromium PROPERTIES TIMEOUT 120 LABELS integration)

# moisson publish and datasheet on a ledger written by `moisson filter`: no
# claim about signals a dump run never read, counts after `rights erase`, the
# capture and processing periods apart (tests/publish/test_publish.py).
add_test(NAME publish_cli COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/publish/test_publish.py
         $<TARGET_FILE:moisson>)
set_tests_properties(publish_cli PROPERTIES TIMEOUT 120 LABELS integration)
