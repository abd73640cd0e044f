"""Models: ``train`` fits the one saved pipeline, ``evaluate`` scores it on held-out data.

``metrics`` is the table of the metrics evaluate reports, each with which way is
better; ``plots`` draws and writes evaluate's plots. Rewriting the committed goldens
(``make golden-update``) runs the whole pipeline, so it lives above the stages, in
``golden.py`` beside ``pipeline.py``.
"""
