"""The two articles a new user's library starts with: copies of the repository's `sources/`."""
