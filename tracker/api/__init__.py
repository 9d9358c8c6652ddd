"""The JSON API (/api/v1): personal access tokens, problem+json errors, OpenAPI from the code."""
