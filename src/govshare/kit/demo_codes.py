"""Makes well-formed unified social credit codes for demo and test departments."""

from __future__ import annotations

from stdnum.cn import uscc


def make_uscc(region: str, serial: int, *, kind: str = "11") -> str:
    """A valid code for a government organ (`11`) of a region (six digits) and a serial number."""
    body = f"{kind}{region}{serial:08d}0"
    return body + uscc.calc_check_digit(body)
