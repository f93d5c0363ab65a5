"""Benchmarks, each run as a script (``.venv/bin/python bench/ingest.py``), and the data
writers they share with the tests (:mod:`bench.workbook`)."""
