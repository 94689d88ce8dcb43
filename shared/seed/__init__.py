"""The seed: the dealer export format (DealerCenter-style CSV), sources (a path or S3), the
streaming COPY loader and its command line and Lambda events. Ships the bundled sample CSV.

May import: `shared.data`, `shared.ops`, `shared.runtime`, `shared.errors`.
"""
