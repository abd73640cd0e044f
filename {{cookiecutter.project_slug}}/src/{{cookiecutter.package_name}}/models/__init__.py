"""Models: ``train`` fits the one saved pipeline, ``evaluate`` scores it on held-out data.

``metrics`` is the table of the metrics evaluate reports, each with which way is
better; ``golden`` rewrites the committed goldens (``make golden-update``).
"""
