"""Curation: the review queue (queue), bulk import (importing) and templates."""
