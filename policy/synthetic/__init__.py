"""Synthetic data for benchmarks: see policy.synthetic.generate."""
