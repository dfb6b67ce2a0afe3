"""Detect: run built-in, user, Sigma and intel detections over a case store into findings."""
