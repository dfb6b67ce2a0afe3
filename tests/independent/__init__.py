"""Tenants built independently of mailscope, and the scorer that measures mailscope on them.

mailscope scored perfectly on its own simulator yet put every mailbox in scope on tenants it
did not write. The generators here exist to measure its precision honestly, so they follow
rules that keep them independent of mailscope's own picture of a tenant:

- Their picture of a tenant comes from Microsoft's documentation (Office 365 Management
  Activity API schema, MailItemsAccessed forensics guidance, Graph ``signIn`` and
  ``directoryAudit`` resources, eDiscovery audit activities, Storm-0558 analyses) and from
  real exported evidence in ``../shared/samples`` -- never from ``src/mailscope/simulate``,
  ``src/mailscope/detect``, ``src/mailscope/scope`` or their tests, which are not read.
- mailscope may be run to confirm that it *reads* a generated file (``mailscope ingest``,
  ``mailscope case info``: nothing quarantined). A shape produced faithfully from the docs
  or samples is never bent to suit a reader that misreads it; that is reported instead.
- A tenant is never tuned to what mailscope's detections or scope output say. mailscope
  may well get these tenants wrong; measuring that is the point.

Each generator is a package ``tests.independent.<name>`` exposing
``build(out, scenario, seed, users=200, days=28, ...) -> dict`` (the ground truth, also
written to ``out/truth.json``), with evidence only under ``out/evidence/``.
``tests.independent.score`` scores a mailscope case against that truth.
"""
