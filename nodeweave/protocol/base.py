"""What every command set shares: the argument and result bases, ``null`` and ``pong``.

Apart from the worker's models so that the hub, which does not speak them, does not build them.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, RootModel


class Args(BaseModel):
    """Arguments: unknown keys are refused, so a typo is an error, not a silent no-op."""

    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)


class Data(BaseModel):
    """Results and event bodies (documented shapes; extra keys may be added later).

    Servers build these as plain dicts; the models describe them for the schema, the docs and
    the tests, so their validators are only built when first used.
    """

    model_config = ConfigDict(extra="allow", defer_build=True)


class NoArgs(Args):
    pass


class Ok(RootModel[None]):
    """``null``."""

    model_config = ConfigDict(defer_build=True)


class Pong(Data):
    pong: Literal[True] = True
