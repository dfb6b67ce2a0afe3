"""Sensitive content of exposed messages: Presidio's pattern recognisers (no NLP model) plus
custom recognisers for validated SSNs, travel itineraries and handling markings."""
