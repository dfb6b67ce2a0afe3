"""Folding PowerShell's flattened AuditData back into records."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mailscope.ingest.readers.powershell import is_lost
from mailscope.ingest.readers.ual.flat_auditdata import unflattened


def test_hawk_columns_fold_back_into_nested_fields() -> None:
    data, lost = unflattened(
        {
            "Operation": "MailItemsAccessed",
            "AppAccessContext_AADSessionId": "s-1",
            "Folders_0_Path": "\\Inbox",
            "Folders_0_FolderItems_1_InternetMessageId": "<b@x>",
            "Folders_0_FolderItems_0_InternetMessageId": "<a@x>",
            "OperationProperties_0_Name": "MailAccessType",
            "OperationProperties_0_Value": "Bind",
            "Param_ForwardTo": "eve@evil.example",
            "ParameterString": "ForwardTo=eve@evil.example",
            "Client_IPAddress": "203.0.113.7",  # not a nested AuditData field: kept as is
            "Empty": "",
        }
    )
    assert lost == set()
    assert data == {
        "Operation": "MailItemsAccessed",
        "AppAccessContext": {"AADSessionId": "s-1"},
        "Folders": [
            {
                "Path": "\\Inbox",
                "FolderItems": [{"InternetMessageId": "<a@x>"}, {"InternetMessageId": "<b@x>"}],
            }
        ],
        "OperationProperties": [{"Name": "MailAccessType", "Value": "Bind"}],
        "ParameterString": "ForwardTo=eve@evil.example",
        "Client_IPAddress": "203.0.113.7",
        "Parameters": [{"Name": "ForwardTo", "Value": "eve@evil.example"}],
    }


def test_type_names_are_lost_values_not_data() -> None:
    data, lost = unflattened({"Folders": "System.Object[]", "Parameters": "System.Object[]"})
    assert (data, lost) == ({}, {"Folders", "Parameters"})
    assert is_lost("Microsoft.Graph.PowerShell.Models.MicrosoftGraphSignInStatus")
    assert is_lost("System.Collections.Generic.List`1[System.Object]")
    assert not is_lost("Microsoft Office")
    assert not is_lost("203.0.113.7")


def test_absurd_indexes_are_kept_as_plain_columns() -> None:
    data, _ = unflattened({"Folders_99999999_Path": "\\Inbox"})
    assert data == {"Folders_99999999_Path": "\\Inbox"}


@given(st.dictionaries(st.text(alphabet="FoldersItem_0123", max_size=24), st.text(max_size=8)))
def test_unflattened_never_raises(row: dict[str, str]) -> None:
    data, lost = unflattened(row)
    assert isinstance(data, dict) and isinstance(lost, set)
