# Tests of the audit part (filled in with the part).
