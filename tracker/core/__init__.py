"""Cross-cutting helpers: clock, database types, permissions, security headers."""
