"""Where the code relies on a library's private internals, each in one small module per library.

Each is kept because it buys a measured target or a behaviour the library has no public hook for;
tests/test_adapters.py fails loudly when a pinned library's internals change under it."""
