"""`make bench`: ratios and sizes, printed as one table. Each bench/bench_*.py module
defines ``measure() -> list[Row]``; ``python -m bench [name ...]`` runs them all (or some)."""
