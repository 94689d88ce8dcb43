"""`python -m shared.auth`: the command line of the API keys (see `commands.main`)."""

from shared.auth.commands import main

main()
