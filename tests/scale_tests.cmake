# Many files, many ranks, many machines (docs/scaling.md): folders, lists and
# http(s) inputs (nginx on loopback, connections cut mid-body), shards with
# manifests, ranks and Slurm's array variables, --resume after kill -9 and
# Ctrl-C, merge-summary.
add_test(NAME scale_shards COMMAND /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/scale/test_shards.py)
set_tests_properties(scale_shards PROPERTIES ENVIRONMENT "MOISSON_BIN=$<TARGET_FILE:moisson>" TIMEOUT 300
                     RUN_SERIAL TRUE LABELS integration)

# A 4-task Slurm array (scripts/slurm/submit.sh) on a single-node Slurm the
# test starts (slurm-wlm + munge, tests/scale/slurm_cluster.py), the ledger
# on a throwaway PostgreSQL shared by every task.
add_test(NAME scale_slurm
         COMMAND bash ${CMAKE_CURRENT_SOURCE_DIR}/pg/with_postgres.sh
                 /usr/bin/python3 ${CMAKE_CURRENT_SOURCE_DIR}/scale/test_slurm.py)
set_tests_properties(scale_slurm PROPERTIES ENVIRONMENT "MOISSON_BIN=$<TARGET_FILE:moisson>" TIMEOUT 300
                     RUN_SERIAL TRUE LABELS integration)
