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


class BadRequestError(AppError):
    """The request cannot be answered as sent (a garbled or foreign paging cursor)."""
