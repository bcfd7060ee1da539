# Many files, many ranks, many machines (docs/scaling.md): folders, lists and
# http(s) inputs (nginx on loopback, connections cut mid-body), shards with
# manifests, ranks and Slurm's array variables, --resume after kill -9 and
# Ctrl-C, merge-summary.
add_test(NAME scale_shards COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/scale/test_shards.py)
set_tests_properties(scale_shards PROPERTIES ENVIRONMENT "MOISSON_BIN=$<TARGET_FILE:moisson>" TIMEOUT 300
                     RUN_SERIAL TRUE LABELS integration)
