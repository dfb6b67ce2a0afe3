"""Built-in detections, one module per rule family; each exposes ``DETECTIONS``."""
