# Tests of the html part (filled in with the part).
