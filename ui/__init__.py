"""ConvLab's drawing layer: figures, shared controls and the browser-side components."""
