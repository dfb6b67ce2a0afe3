"""The campaign view: one actor across many organisations (``mailscope campaign``)."""
