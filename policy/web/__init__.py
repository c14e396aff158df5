"""Pages for people: the landing page, a page per record, and lists to browse them."""
