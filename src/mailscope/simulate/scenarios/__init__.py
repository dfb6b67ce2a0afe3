"""Intrusion scenarios, one module each: who the victims are and what the actor does."""
