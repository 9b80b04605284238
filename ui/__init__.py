"""ConvLab's drawing layer: figures, shared controls and the browser components (grids, probe, pad)."""
