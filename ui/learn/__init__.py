"""Learning on a page: a filter learning, a CNN training (live and after), digit grids."""
