"""Turn evidence files into the case store: sniff, parse, normalise, quarantine, de-duplicate."""
