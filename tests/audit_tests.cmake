# Tests of the provenance ledger. They also read the file through their own
# SQLite connection (second reader, raw pragmas, fake newer versions).
pkg_check_modules(SQLITE3_T REQUIRED IMPORTED_TARGET sqlite3)
add_executable(moisson_ledger_tests ledger_test.cc)
target_link_libraries(moisson_ledger_tests PRIVATE moisson_audit moisson_core moisson_catch_main PkgConfig::SQLITE3_T)
catch_discover_tests(moisson_ledger_tests)

# What erase and purge do to the outputs (rights/outputs.h).
add_executable(moisson_rights_tests rights_outputs_test.cc)
target_link_libraries(moisson_rights_tests PRIVATE moisson_rights moisson_catch_main)
catch_discover_tests(moisson_rights_tests)
