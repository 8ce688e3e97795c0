"""What a person's details may be, wherever they are typed (accounts, invitations): one definition each."""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field

from workstreams.errors import N_

USERNAME = r"^[a-z0-9][a-z0-9._-]{1,59}$"
AGENCY = r"^[A-Za-z0-9][A-Za-z0-9 .&-]{0,19}$"
EMAIL = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")


def _one_line(value: str) -> str:
    if CONTROL_CHARACTERS.search(value):
        raise ValueError(N_("contains control characters or line breaks"))
    return value


# A person's name as typed on a form or a command line: one line, 1–120 characters.
PersonName = Annotated[str, Field(min_length=1, max_length=120), AfterValidator(_one_line)]
