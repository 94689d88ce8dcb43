"""Operations: settings (the only reader of the environment), secrets (database URL from SSM or
Secrets Manager), secret redaction, logs, metrics and traces (Powertools).

May import: `shared.errors` and third-party libraries only. Everything else may import it.
"""
