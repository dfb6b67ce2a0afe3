"""Reference data: application ids, client strings and permission ids as Microsoft names them.

Sources (see the package docstring for the full list): the Office 365 Management Activity
API schema (MicrosoftDocs/office-365-management-api), the real Management API and Graph
samples in ``../shared/samples`` and the Microsoft Graph permission references.
"""

from __future__ import annotations

from typing import Final

# Resources. A MailItemsAccessed record's AppId names the resource the token was for; the
# client that called it is ClientAppId (DESIGN.md, Entra "linkable identifiers").
EXCHANGE: Final = "00000002-0000-0ff1-ce00-000000000000"
GRAPH: Final = "00000003-0000-0000-c000-000000000000"
KEY_VAULT: Final = "cfa8b339-82a2-471a-a3c9-0fc0be7a4093"

# First-party clients.
OUTLOOK_DESKTOP: Final = "d3590ed6-52b3-4102-aeff-aad2292ab01c"  # "Microsoft Office"
OUTLOOK_MOBILE: Final = "27922004-5251-4030-b22d-91ecd9a37ea4"
OWA: Final = "9199bf20-a13f-4107-85dc-02114787ef48"  # "One Outlook Web"
IOS_ACCOUNTS: Final = "f8d98a96-0999-43f5-8af3-69971c7bb423"  # iOS native Mail (EAS)
EXO_POWERSHELL: Final = "fb78d390-0c51-40cd-8e17-fdbfab77341b"  # AppId of the det-eng sample
COMPLIANCE_CENTER: Final = "80ccca67-54bd-44ab-8625-4b79c4dc7775"
AZURE_PORTAL: Final = "c44b4083-3bb0-49c1-b47d-974e53cbdf3c"
DYNAMICS_CRM: Final = "00000007-0000-0000-c000-000000000000"
FLOW_SERVICE: Final = "7df0a125-d3be-4c96-aa54-591f83ff541c"  # "Microsoft Flow Service"

RESOURCE_NAMES: Final = {
    EXCHANGE: "Office 365 Exchange Online",
    GRAPH: "Microsoft Graph",
    KEY_VAULT: "Azure Key Vault",
    EXO_POWERSHELL: "Office 365 Exchange Online",
}
RESOURCE_SP_IDS: Final = {
    EXCHANGE: "7c1a1a51-60b1-4a52-9b79-13c2a3e8d0a4",
    GRAPH: "401dd906-ea4f-4d41-b762-7e936d222368",
    KEY_VAULT: "3d4b8e0f-4b1c-4f2e-9bb2-63c4e5f3b1a9",
}

# App roles (application permissions), from the Graph permissions reference and the
# Exchange Online resource's app roles.
MAIL_READ_ROLE: Final = "810c84a8-4a9e-49e6-bf7d-12d183f40d01"  # Graph Mail.Read
FULL_ACCESS_AS_APP_ROLE: Final = "dc890d15-9560-4a4c-9b7f-a736ec74ec40"  # EWS
MAIL_SEND_ROLE: Final = "b633e1c5-b582-4048-a93e-9f11b44c7e96"  # Graph Mail.Send

# ClientInfoString values. OWA and Outlook mobile strings are from real records (the Sekoia
# Management API sample and a published ExchangeItemAggregated record); "Client=REST;;" is
# the OTRF Graph record; Storm-0558's scripted client is from CISA AA23-193A / DESIGN.md.
CIS_OWA: Final = "Client=OWA;Action=ViaProxy"
CIS_DESKTOP: Final = "Client=MSExchangeRPC"
CIS_IOS: Final = "Client=OutlookService;Outlook-iOS/2.0;"
CIS_ANDROID: Final = "Client=OutlookService;Outlook-Android/2.0;"
CIS_EAS: Final = "Client=ActiveSync;UserAgent=Apple-iPhone15C2/2006.75;Version=160"
CIS_GRAPH: Final = "Client=REST;;"
CIS_EWS: Final = "Client=WebServices;ExchangeServicesClient/15.00.0913.015;"
CIS_ACTOR: Final = "Client=REST;Client=RESTSystem;;"

UA_OUTLOOK: Final = "Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.16327; Pro)"
UA_EDGE: Final = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/113.0.0.0 Safari/537.36 Edg/113.0.1774.42"
)
UA_SAFARI_MAC: Final = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/16.4 Safari/605.1.15"
)
UA_IOS_OUTLOOK: Final = "Outlook-iOS/2.0"
UA_ANDROID_OUTLOOK: Final = "Outlook-Android/2.0"
UA_IOS_MAIL: Final = "iOS/16.5 (20F66) dataaccessd/1.0"
UA_POWERSHELL: Final = (
    "Mozilla/5.0 (Windows NT 10.0; Microsoft Windows 10.0.19045; en-US) PowerShell/7.3.4"
)

DEPARTMENTS: Final = (
    # (name, share of staff, post city) -- a foreign ministry, as in the model case.
    ("Office of Indo-Pacific Affairs", 0.16, "Washington"),
    ("Office of European Affairs", 0.12, "Washington"),
    ("Embassy Tokyo", 0.06, "Tokyo"),
    ("Embassy Brussels", 0.05, "Brussels"),
    ("Consular Services", 0.10, "Washington"),
    ("Economic and Trade Affairs", 0.09, "Washington"),
    ("Human Resources", 0.08, "Washington"),
    ("Legal Affairs", 0.07, "Washington"),
    ("Information Technology", 0.09, "Washington"),
    ("Public Diplomacy", 0.08, "Washington"),
    ("Finance", 0.10, "Washington"),
)
VICTIM_DEPARTMENTS: Final = ("Office of Indo-Pacific Affairs", "Embassy Tokyo")
SECOND_DEPARTMENTS: Final = ("Office of European Affairs", "Embassy Brussels")

TITLES: Final = {
    "Office of Indo-Pacific Affairs": (
        "Desk Officer",
        "Senior Advisor",
        "Deputy Director",
        "Director",
        "Political Officer",
        "Analyst",
    ),
    "Office of European Affairs": ("Desk Officer", "Senior Advisor", "Director", "Analyst"),
    "Embassy Tokyo": (
        "Political Officer",
        "Economic Officer",
        "Deputy Chief of Mission",
        "Management Officer",
        "Public Affairs Officer",
    ),
    "Embassy Brussels": ("Political Officer", "Economic Officer", "Management Officer"),
    "Consular Services": ("Consular Officer", "Passport Specialist", "Visa Adjudicator"),
    "Economic and Trade Affairs": ("Trade Specialist", "Economist", "Director"),
    "Human Resources": ("HR Specialist", "Benefits Coordinator", "HR Director"),
    "Legal Affairs": ("Attorney Adviser", "Paralegal", "Assistant Legal Adviser"),
    "Information Technology": (
        "Systems Administrator",
        "Messaging Engineer",
        "Security Engineer",
        "Help Desk Technician",
    ),
    "Public Diplomacy": ("Press Officer", "Program Officer", "Speechwriter"),
    "Finance": ("Budget Analyst", "Accountant", "Procurement Officer"),
}

# Cities for sign-in locations: (city, state, country, latitude, longitude, UTC offset h).
CITIES: Final = {
    "Washington": ("Washington", "District of Columbia", "US", 38.8951, -77.0364, -4),
    "Arlington": ("Arlington", "Virginia", "US", 38.8816, -77.091, -4),
    "Tokyo": ("Tokyo", "Tokyo", "JP", 35.6895, 139.6917, 9),
    "Brussels": ("Brussels", "Brussels Capital", "BE", 50.8503, 4.3517, 2),
    "Singapore": ("Singapore", "Singapore", "SG", 1.3521, 103.8198, 8),
    "Jakarta": ("Jakarta", "Jakarta", "ID", -6.2088, 106.8456, 7),
    "Manila": ("Manila", "Metro Manila", "PH", 14.5995, 120.9842, 8),
    "Canberra": ("Canberra", "Australian Capital Territory", "AU", -35.2809, 149.13, 10),
    "Berlin": ("Berlin", "Berlin", "DE", 52.52, 13.405, 2),
    "Paris": ("Paris", "Ile-de-France", "FR", 48.8566, 2.3522, 2),
    "Seoul": ("Seoul", "Seoul", "KR", 37.5665, 126.978, 9),
    "Ashburn": ("Ashburn", "Virginia", "US", 39.0438, -77.4874, -4),
    "Boydton": ("Boydton", "Virginia", "US", 36.6676, -78.3875, -4),
    "Amsterdam": ("Amsterdam", "North Holland", "NL", 52.3676, 4.9041, 2),
    "Frankfurt": ("Frankfurt am Main", "Hesse", "DE", 50.1109, 8.6821, 2),
    "Hong Kong": ("Hong Kong", "Hong Kong", "HK", 22.3193, 114.1694, 8),
    "Los Angeles": ("Los Angeles", "California", "US", 34.0522, -118.2437, -7),
    "Columbus": ("Columbus", "Ohio", "US", 39.9612, -82.9988, -4),
}

EXTERNAL_DOMAINS: Final = (
    "mofa.example.jp",
    "dfat.example.au",
    "diplomatie.example.fr",
    "auswaertiges-amt.example.de",
    "gov.example.sg",
    "kemlu.example.id",
    "thinktank.example.org",
    "newswire.example.com",
    "travel-agency.example.com",
    "benefits-provider.example.com",
    "vendor-supplies.example.com",
)
