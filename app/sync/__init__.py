"""Back Market seller API: the HTTP client, its pacing, its errors, and a local simulator (sandbox)."""
