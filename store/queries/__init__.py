"""Query functions used by crawlers, jobs, the CLI and the API; keyword-only arguments,
one module per concern."""
