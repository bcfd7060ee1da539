// What a run of the chain records in the provenance ledger (audit/ledger.h):
// one row per document judged, and the run's summary. `moisson filter` and
// the Python module's Chain.filter(ledger=...) write the same rows, so that a
// rights request finds a document whichever way it was filtered.
#ifndef MOISSON_PIPELINE_PROVENANCE_H_
#define MOISSON_PIPELINE_PROVENANCE_H_

#include <string>
#include <string_view>

#include "audit/ledger.h"
#include "pipeline/processor.h"
#include "pipeline/runner.h"

namespace moisson::pipeline {

// The ledger row of `doc`: where it came from, when, the decision and its
// reasons, the text's digest and the identifiers' digests (never a clear
// identifier). `output_file` names where a kept document is written ("" when
// it is not written: a dropped document, `scan`); the row then points at the
// record by the document's id.
audit::LedgerRow LedgerRowOf(const ProcessedDocument& doc, std::string_view output_file);

// The JSON summary a run ends with: its status ("ok", "interrupted",
// "failed"), the learned stage's model when it ran, and the counts.
std::string RunSummaryJson(const RunSummary& s, std::string_view status, std::string_view model);

}  // namespace moisson::pipeline

#endif  // MOISSON_PIPELINE_PROVENANCE_H_
