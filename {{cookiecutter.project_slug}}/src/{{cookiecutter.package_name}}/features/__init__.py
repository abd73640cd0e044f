"""Feature treatment: scikit-learn compatible transformers and the preprocessor built
from ``params.yaml``.

Import from the submodules (``features.pipeline``, ``features.transformers``, whose
``__all__`` lists the transformers; each is defined in a module of its own, on the
base class in ``features/_base.py``): this package module stays empty so importing
it does not pay for scikit-learn.
"""
