"""Golden-accuracy regression tests: the committed goldens and the model they guard."""
