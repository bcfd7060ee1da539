# Precision/recall on the labelled corpus (docs/detection.md): fails when a
# category with support >= 5 falls under the minimum F1.
add_test(NAME detection_corpus
         COMMAND /usr/bin/python3 ${PROJECT_SOURCE_DIR}/scripts/eval_detection.py --moisson $<TARGET_FILE:moisson>
                 --min-f1-pattern 0.95 --min-f1-personal 0.85
                 ${PROJECT_SOURCE_DIR}/tests/detection/corpus_fr.jsonl ${PROJECT_SOURCE_DIR}/tests/detection/corpus_en.jsonl
                 ${PROJECT_SOURCE_DIR}/tests/detection/heldout_fr.jsonl ${PROJECT_SOURCE_DIR}/tests/detection/heldout_en.jsonl)
