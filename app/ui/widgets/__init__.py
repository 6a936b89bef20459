"""Small widgets shared by several tabs (verdict banner, …)."""
