"""Address lists: the fast path for common entries reads exactly what getaddresses reads."""

from __future__ import annotations

from email.utils import getaddresses

from hypothesis import given
from hypothesis import strategies as st

from mailscope.ingest.readers.mailbox.mime_fields import _simple_addresses, addresses_of


def _reference(values: list[str]) -> list[str]:
    """What addresses_of gave before the fast path: getaddresses alone."""
    pairs = getaddresses(values)
    return [address.lower() if "@" in address else address for _, address in pairs if address]


# Pieces of real and hostile header values: names, addresses, quotes, comments, groups …
_PIECES = st.sampled_from(
    [
        "Jane Doe",
        "O'Brien-Smith",
        "J. Doe",
        '"Doe, Jane"',
        "jane.doe@state.example",
        "Bob@State.EXAMPLE",
        "x_y+tag@mail-gw.example.org",
        "a..b@x.example",
        ".a@x.example",
        "<",
        ">",
        ",",
        " ",
        "\t",
        "(comment)",
        "team:",
        ";",
        "\\",
        "@",
        "\u00a0",
        "Zoë",
        "undisclosed-recipients",
    ]
)


_NAME = st.sampled_from(["", "Jane Doe", "Jane Doe ", "O'Brien-Smith", "J. Doe", "Zoë", "a_b"])
_ADDRESS = st.sampled_from(
    ["jane.doe@state.example", "Bob@State.EXAMPLE", "x_y+tag@mail-gw.example.org", "a..b@x.ex"]
)
_SPACE = st.sampled_from(["", " ", "  ", "\t", "\u00a0"])
_ENTRY = st.one_of(
    st.tuples(_SPACE, _NAME, _ADDRESS, _SPACE).map(lambda t: f"{t[0]}{t[1]}<{t[2]}>{t[3]}"),
    st.tuples(_SPACE, _ADDRESS, _SPACE).map("".join),
    st.lists(_PIECES, max_size=8).map("".join),
)
_VALUE = st.lists(_ENTRY, min_size=1, max_size=4).map(",".join)


@given(st.lists(_VALUE, min_size=1, max_size=3))
def test_fast_path_agrees_with_getaddresses(values: list[str]) -> None:
    assert addresses_of(values) == _reference(values)


def test_common_lists_take_the_fast_path() -> None:
    value = "Jane Doe <Jane.Doe@State.example>, bob@state.example, O'Brien-Smith <ob@x.gov>"
    assert _simple_addresses([value]) == ["jane.doe@state.example", "bob@state.example", "ob@x.gov"]
    assert _simple_addresses([value]) == _reference([value])


def test_quotes_comments_and_groups_are_left_to_getaddresses() -> None:
    for value in ('"Doe, Jane" <j@x.example>', "j@x.example (Jane)", "team: a@x.example;"):
        assert _simple_addresses([value]) is None
        assert addresses_of([value]) == _reference([value])
