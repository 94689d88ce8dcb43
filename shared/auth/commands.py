"""`python -m shared.auth keys create|list|revoke`: manage the API keys of the dealership's systems.

`keys create "DMS feed"` prints the new key once (only its hash is stored: copy it now);
`--quiet` prints the key alone, for scripts; `--dealer "Acme Motors"` (repeatable) limits the
key's writes to those dealers' vehicles. `keys list` shows ids, names, prefixes, dates and dealers;
`keys revoke <id or prefix>` revokes one key at once (the next write with it gets 401).
Uses `DATABASE_URL` (or its secret) when set, else the embedded development database.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from psycopg import errors

from shared.auth import keys
from shared.data import scope
from shared.errors import AppError
from shared.runtime import local_database


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m shared.auth", description=__doc__)
    groups = parser.add_subparsers(dest="group", required=True)
    commands = groups.add_parser("keys", help="API keys").add_subparsers(
        dest="action", required=True
    )
    create = commands.add_parser("create", help="create a key and print it once")
    create.add_argument("name", nargs="+", help='what uses it: "DMS feed"')
    create.add_argument(
        "--scope", action="append", dest="scopes", help="scope to grant (default: write)"
    )
    create.add_argument(
        "--dealer",
        action="append",
        dest="dealers",
        help="limit the key to this dealer_name (repeat for more; default: every dealer)",
    )
    create.add_argument("--quiet", action="store_true", help="print only the key")
    commands.add_parser("list", help="list keys (never the keys themselves)")
    revoke = commands.add_parser("revoke", help="revoke a key by id or prefix")
    revoke.add_argument("which", help="the id or the prefix shown by `keys list`")
    args = parser.parse_args(argv)
    db = local_database()
    try:
        if args.action == "create":
            scopes = tuple(args.scopes or ("write",))
            dealers = _dealers(parser, args.dealers)
            key_id, key = keys.create(
                db=db, name=" ".join(args.name), scopes=scopes, dealers=dealers
            )
            if args.quiet:
                print(key)
            else:
                print(
                    f"created key {key_id} ({', '.join(scopes)}; dealers: {_scope(dealers)}); "
                    "shown once, store it now:"
                )
                print(key)
        elif args.action == "list":
            print(
                f"{'id':>4}  {'prefix':<12}  {'scopes':<12}  {'created':<16}  "
                f"{'last used':<16}  {'revoked':<16}  name  [dealers]"
            )
            for info in keys.list_all(db=db):
                print(
                    f"{info.id:>4}  {info.prefix:<12}  {','.join(info.scopes):<12}  "
                    f"{_when(info.created_at)}  {_when(info.last_used_at)}  "
                    f"{_when(info.revoked_at)}  {info.name}  [dealers: {_scope(info.dealers)}]"
                )
        else:
            key_id, name = keys.revoke(db=db, which=args.which)
            print(f"revoked key {key_id} ({name})")
    except AppError as err:
        parser.exit(1, f"keys: {err}\n")
    except errors.UndefinedTable:
        parser.exit(1, "keys: no api_keys table: apply the migrations first (make migrate)\n")
    except errors.UndefinedColumn:
        parser.exit(1, "keys: api_keys has no dealers column: apply the migrations first\n")
    finally:
        db.close()


def _dealers(parser: argparse.ArgumentParser, given: list[str] | None) -> tuple[str, ...] | None:
    if given is None:
        return None
    try:
        return scope.names(given)
    except ValueError as err:
        parser.error(f"--dealer: {err}")


def _scope(dealers: list[str] | tuple[str, ...] | None) -> str:
    return "all" if dealers is None else "; ".join(dealers)


def _when(moment: datetime | None) -> str:
    return f"{moment:%Y-%m-%d %H:%M}" if moment else f"{'-':<16}"
