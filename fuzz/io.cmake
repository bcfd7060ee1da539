# Fuzz targets of the io part (filled in with the part).
