moisson_fuzz_target(detect moisson_filters)
moisson_fuzz_target(learned moisson_filters)
# The learned stage's model files (sensitive.lin, thresholds.tsv).
moisson_fuzz_target(learned_model moisson_filters)
moisson_fuzz_target(content moisson_filters)
