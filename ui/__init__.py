"""ConvLab's drawing layer. Page plumbing sits here (``page``, ``links``, ``display``); the
rest is in folders by concern: ``figures``, ``controls``, ``components``, ``learn``, ``course``.
"""
