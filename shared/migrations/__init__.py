"""Schema migrations: the files' format (dbmate's `-- migrate:up` / `-- migrate:down`), the
runner (checksums, lease, one transaction per file) and the command line and Lambda actions.

May import: `shared.data`, `shared.ops`, `shared.runtime`, `shared.errors`.
"""
