"""Small CSV data sets made for the course; see data/README.md."""
