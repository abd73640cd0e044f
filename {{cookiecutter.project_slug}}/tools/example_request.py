"""Print a ``POST /predict`` body: the first rows of the golden inputs, as a client sends them.

``python tools/example_request.py [ROWS] > request.json``: the feature columns of the
contract only, JSON numbers, strings and booleans, ``null`` for a missing value. Used
by docs/model-lifecycle.md and tools/bench_serving.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from {{ cookiecutter.package_name }}.config import load_params
from {{ cookiecutter.package_name }}.data.contract import load_contract, read_dataset

GOLDEN_INPUTS = Path("tests/golden/inputs.csv")


def request(rows: int = 1) -> dict[str, Any]:
    params = load_params()
    contract = load_contract(params.data.contract, params.data.target)
    frame = read_dataset(GOLDEN_INPUTS, contract, labelled=False)
    features = frame[contract.feature_columns].head(rows)
    records = json.loads(features.to_json(orient="records", date_format="iso"))
    return {"records": records}


if __name__ == "__main__":
    print(json.dumps(request(int(sys.argv[1]) if len(sys.argv) > 1 else 1)))
