"""The benchmarks: speed, scale, memory and cleaning figures, each a script printing a table (run by hand)."""
