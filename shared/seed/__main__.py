"""`python -m shared.seed`: the command line of the seed (see `commands.main`)."""

from shared.seed.commands import main

main()
