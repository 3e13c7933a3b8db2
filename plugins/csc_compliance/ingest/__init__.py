"""The extract: its manifest, finding and reading its files, landing them in DuckDB, and checking it before a run."""
