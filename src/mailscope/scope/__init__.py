"""Scope: from findings and evidence to the actor, the mailboxes and messages it read, what
those messages exposed, and what could not be seen (the ``mailscope.scope/1`` document)."""
