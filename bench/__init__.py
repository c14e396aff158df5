"""`make bench`: the API against its floor on generated data (see bench/README.md)."""
