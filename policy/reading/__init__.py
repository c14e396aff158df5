"""Readers the API, the pages and the admin share, below all three (models → records → reading
→ api, web, admin): a citation's excerpt in its source's context (citation)."""
