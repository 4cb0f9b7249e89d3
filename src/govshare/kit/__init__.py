"""Small shared things: errors, pagination, identifiers, crypto helpers."""
