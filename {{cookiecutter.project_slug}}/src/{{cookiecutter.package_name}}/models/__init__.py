"""Models: ``train`` fits the one saved pipeline, ``evaluate`` scores it on held-out data.

``golden`` trains the reference model the golden-accuracy tests compare against and
regenerates the committed goldens (``make golden-update``).
"""
