"""`python -m shared.dev.plans`: the definitions of the functions whose plans the database keeps
(`shared.data.plans`), for the migration that replaces them after their statements change."""

from __future__ import annotations

from shared.data import listing, vehicles, writes

FUNCTIONS = (
    vehicles.BY_VIN,
    listing.FIRST_PAGES,
    *vehicles.INSERTS,
    *writes.UPDATES,
    *writes.DELETES,
)


def main() -> None:
    """Print each function's `CREATE OR REPLACE FUNCTION`."""
    for function in FUNCTIONS:
        print(function.definition())


if __name__ == "__main__":
    main()
