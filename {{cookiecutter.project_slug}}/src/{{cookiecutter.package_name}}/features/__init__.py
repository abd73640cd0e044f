"""Feature treatment: scikit-learn compatible transformers and the preprocessor built
from ``params.yaml``.

Import from the submodules (``features.pipeline``, ``features.transformers``): this
package module stays empty so importing it does not pay for scikit-learn.
"""
