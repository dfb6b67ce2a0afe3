"""The AuditData mapper's building blocks: keys, list decoders, enum names."""

from __future__ import annotations

from mailscope.ingest.readers.ual.columns import enum_int
from mailscope.ingest.readers.ual.keys import RecordKeys, is_guid
from mailscope.ingest.readers.ual.properties import (
    name_values,
    powershell_hashtable,
    python_literal,
)


def test_guid_keys_ignore_case_and_keep_operations_apart() -> None:
    keys = RecordKeys()
    guid = "461A38CE-FC36-4A4D-B73E-643262CC063F"
    assert keys.key(guid, "MailItemsAccessed", {}) == keys.key(
        guid.lower(), "mailitemsaccessed", {"x": 1}
    )
    assert keys.key(guid, "SoftDelete", {}) != keys.key(guid, "Update", {})


def test_non_guid_ids_fall_back_to_content() -> None:
    keys = RecordKeys()
    first = keys.key("ANONYMIZED", "ListViewed", {"a": 1})
    other = keys.key("ANONYMIZED", "ListViewed", {"a": 2})
    repeat = keys.key("ANONYMIZED", "ListViewed", {"a": 1})
    assert len({first, other, repeat}) == 3
    assert repeat == f"{first}~1"
    assert RecordKeys().key(None, "x", {"a": 1}) == first  # another file: same first key
    assert not is_guid("f96dedc3-0e53-4444-bbbb-ef0000000000000")
    assert not is_guid("123123213-a9a8-123-885c-123123123")


def test_name_values_in_every_encoding() -> None:
    expected = {"MailAccessType": "Bind", "IsThrottled": "False"}
    listed = [
        {"Name": "MailAccessType", "Value": "Bind"},
        {"Name": "IsThrottled", "Value": "False"},
    ]
    assert name_values(listed) == expected
    assert (
        name_values(
            '[{"Name":"MailAccessType","Value":"Bind"},{"Name":"IsThrottled","Value":"False"}]'
        )
        == expected
    )
    assert (
        name_values(["@{Value=Bind; Name=MailAccessType}", "@{Value=False; Name=IsThrottled}"])
        == expected
    )
    assert name_values("not a list") == {}


def test_powershell_and_python_literals() -> None:
    assert powershell_hashtable("@{Id=Lg; Path=\\Inbox; FolderItems=System.Object[]}") == {
        "Id": "Lg",
        "Path": "\\Inbox",
        "FolderItems": "System.Object[]",
    }
    assert powershell_hashtable("plain") is None
    assert python_literal("{'RecordType': 50, 'ExternalAccess': False}") == {
        "RecordType": 50,
        "ExternalAccess": False,
    }
    assert python_literal("{'a': __import__('os')}") is None


def test_enum_names() -> None:
    assert enum_int("Regular", "user_types") == 0
    assert enum_int("Owner", "logon_types") == 0
    assert enum_int("Delegated", "logon_types") == 2
    assert enum_int("exchangeItemAggregated", "record_types") == 50
    assert enum_int("50", "record_types") == 50
    assert enum_int("nonsense", "record_types") is None
