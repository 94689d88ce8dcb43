"""`python -m shared.migrations`: the command line of the migrations (see `commands.main`)."""

from shared.migrations.commands import main

main()
