"""One module per lesson: pure model functions first, then the widgets built on them."""
