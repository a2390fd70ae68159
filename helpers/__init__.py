"""Cross-cutting helpers: access decorators, template helpers, security headers."""
