# Tests of the personal part (filled in with the part).
