"""Relate: duplicates, stories and similar articles of stored articles (the relate stage and its cores)."""
