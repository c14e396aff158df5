"""Reading a list request, for the API and the pages alike: which parameters a list takes (and the
400 for any other), its pages and their counts, keyset cursors, the merged timeline.

Below both: it imports neither policy.api nor policy.web (tests/test_record_types.py checks), so a
page reads a list exactly as the API does without loading the API. The API wraps these in DRF's
plug-ins (policy.api.filtering, policy.api.paginator, policy.api.timeline)."""
