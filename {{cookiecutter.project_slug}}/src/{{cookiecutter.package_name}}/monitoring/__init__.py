"""Monitoring: what the training data looked like, so later batches can be compared to it.

:mod:`.profile` summarises the training rows and the model's predictions on them into a
small JSON document, the reference each model version keeps in the registry.
"""
