# Fuzz targets of the patterns part (filled in with the part).
