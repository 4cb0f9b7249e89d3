"""Data quality: one data, one source (divergence between sources, ZS 17; JS 11)."""
