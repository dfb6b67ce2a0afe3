"""An independent M365 tenant generator shaped after the Office 365 Management Activity API.

``build(out, scenario, seed, users=200, days=28, sp_signins=True, signin_lag_days=0)``
writes ``out/evidence/`` (Management API audit JSON lines, Graph sign-ins and directory
audits, the Entra users CSV, ``.eml`` mailboxes) and ``out/truth.json``, and returns the
truth. Scenarios: ``forged-bind``, ``forged-sync``, ``first-party-reuse``, ``mixed``,
``oauth-app``, ``none``.

Sources: Office 365 Management Activity API schema (AppAccessContext, Exchange mailbox
schema, LogonType, eDiscovery schema); Purview "Use MailItemsAccessed to investigate
compromised accounts" (Bind/Sync, 2-minute aggregation, throttling, eDiscovery exclusion)
and "Search for eDiscovery activities in the audit log"; Graph signIn and directoryAudit
resources and Entra linkable identifiers; CISA AA23-193A and Microsoft's Storm-0558
analysis; the real exports in ``../shared/samples`` (Sekoia Management API records,
Microsoft-Extractor-Suite sign-ins and audit logs, OTRF Graph mail reads, det-eng-samples).
None of mailscope's simulator, detection or scope code was read (see the parent package).
"""

from tests.independent.mgmt_api.build import SCENARIOS, build

__all__ = ["SCENARIOS", "build"]
