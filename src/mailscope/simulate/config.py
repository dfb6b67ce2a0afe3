"""Simulation options, the fixed calendar and the scenario/variant vocabulary."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from mailscope.errors import UsageError

# Storm-0558 mail access began on 2023-05-15 (a Monday) according to Microsoft Threat
# Intelligence (2023-07-14); the simulated period starts there so published indicator
# validity windows line up with the synthetic activity.
PERIOD_START = datetime(2023, 5, 15)

SCENARIOS: dict[str, str] = {
    "storm-0558": "forged-token mailbox reading (no sign-in behind the tokens), scripted "
    "REST clients from proxies/VPS, Mon-Fri 00:00-09:00 UTC, victims in one regional bureau",
    "bec-inbox-rule": "credential phishing: sign-in from a new country, forwarding and "
    "delete inbox rules, mail read and sent",
    "oauth-app": "malicious multi-tenant app granted Mail.Read / full_access_as_app reading "
    "many mailboxes through Graph (Midnight Blizzard 2024 pattern)",
    "none": "clean tenant (benign look-alikes only) for false-positive measurement",
}

VARIANTS: dict[str, str] = {
    "bind": "Bind-only reading of chosen messages",
    "sync": "whole-folder Sync reads",
    "throttled": "one victim mailbox exceeds 1,000 records/24 h and is throttled",
    "first-party-app": "actor reuses a first-party app id (OWA); only token/session ids differ",
    "mixed": "all of the above across the victims (default)",
}


# Scale mode (mailscope.simulate.scale): each --format and the file it streams, under --out.
SCALE_FORMATS: dict[str, str] = {
    "purview-csv": "ual/purview-audit-search.csv",
    "mgmt-jsonl": "ual/management-api.jsonl",
}


@dataclass(frozen=True)
class ActorPlan:
    """A campaign actor's kit in one organisation (``simulate.campaign``): the addresses it
    reads from, the app id its tokens name, and the weekday mornings it works."""

    ips: tuple[str, ...]
    app_id: str = ""  # '' : a new app id in this tenant (the single-tenant default)
    first_night: int = 1  # index into the period's weekday mornings
    nights: int = 0  # how many mornings from there it may use (0: the rest of the period)


@dataclass(frozen=True)
class SimConfig:
    """What to simulate: organisation size, period length, scenario and seed; a campaign
    also names each organisation's domain, networks and actor plan."""

    out: Path
    seed: int = 7
    users: int = 300
    days: int = 21
    scenario: str = "storm-0558"
    variant: str = "mixed"
    domain: str = "ministry.example"
    network: int = 0
    actor: ActorPlan | None = None

    def validate(self) -> None:
        """Reject options the generator cannot honour, with a message saying why."""
        if self.scenario not in SCENARIOS:
            raise UsageError(
                f"unknown scenario {self.scenario!r}", hint=f"choose one of {', '.join(SCENARIOS)}"
            )
        if self.variant not in VARIANTS:
            raise UsageError(
                f"unknown variant {self.variant!r}", hint=f"choose one of {', '.join(VARIANTS)}"
            )
        if self.users < 30:
            raise UsageError("--users must be at least 30", hint="bureaus need a few people each")
        if not 7 <= self.days <= 120:
            raise UsageError("--days must be between 7 and 120")

    @property
    def period_end(self) -> datetime:
        """Exclusive end of the simulated period."""
        return PERIOD_START + timedelta(days=self.days)

    def rng(self, stream: str) -> random.Random:
        """An independent random stream per component, so that adding a scenario does not
        perturb the benign background (string seeds are hashed with SHA-512, not ``hash()``,
        so they are stable across processes whatever PYTHONHASHSEED is)."""
        return random.Random(f"mailscope-sim/{self.seed}/{stream}")
