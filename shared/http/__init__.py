"""The HTTP edge: app factory, middleware, logs, problem details, idempotency, API keys and request bounds."""
