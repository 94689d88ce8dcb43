"""Domain errors, mapped to HTTP responses in one place (`shared.api.app`)."""


class AppError(Exception):
    """Base class of the errors this application raises on purpose."""


class ConfigurationError(AppError):
    """A setting is missing or malformed; the message says which and how to fix it."""


class NotFoundError(AppError):
    """The requested record does not exist."""


class ConflictError(AppError):
    """The write would duplicate an existing record."""


class DatabaseUnavailableError(AppError):
    """The database could not be reached or did not answer in time."""


class MigrationError(AppError):
    """A migration could not be applied, reverted or verified."""


class SeedError(AppError):
    """The seed cannot run: a missing column, an unreadable source, a malformed file or event."""


class AuthenticationError(AppError):
    """No credential, or one that does not verify (401). `error` is RFC 6750's error code for
    the `WWW-Authenticate` header: `invalid_token` for a credential that was sent but is bad,
    None when none was sent."""

    def __init__(self, detail: str, *, error: str | None = "invalid_token") -> None:
        super().__init__(detail)
        self.error = error


class PermissionDeniedError(AppError):
    """A valid credential that is not allowed to do this (403)."""


class AuthUnavailableError(AppError):
    """The sign-in keys (JWKS) or the JWT secret could not be fetched right now (503)."""


class PreconditionFailedError(AppError):
    """A conditional write (`If-Match`) found the record changed; `etag` is its current one."""

    def __init__(self, message: str, etag: str) -> None:
        super().__init__(message)
        self.etag = etag


class BadRequestError(AppError):
    """The request cannot be answered as sent (a garbled or foreign paging cursor)."""
