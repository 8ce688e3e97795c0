"""`python -m cer.cli …` is `cer …` (how `cer up` starts its worker with the same interpreter)."""

from cer.cli import main

main()
