"""Shared vocabulary: errors, the catalogues, the run's context, date parsing, working days.

Imports nothing else of the package."""
