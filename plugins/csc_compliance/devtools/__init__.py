"""For the project's developers: the benchmark and the generated reference pages."""
