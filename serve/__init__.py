"""Serving a class: what one server does for many students at once (load, busy notices)."""
