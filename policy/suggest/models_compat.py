"""Constants shared with the models, repeated here so the extractors import no Django models.
tests/test_suggest.py checks they are the models' own."""

SEPARATOR = " […] "  # policy.models.records.QUOTE_SEPARATOR
