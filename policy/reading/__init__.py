"""Readers the API, the pages and the admin share, below all three (models → records → reading
→ api, web, admin): a citation's excerpt in its source's context (citation), and what history
holds — related records' keys, a policy's links at each entry, the entries either side of one
(history)."""
