"""Shared controls: the input and filter pickers, the network table and its code."""
