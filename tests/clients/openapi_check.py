#!/usr/bin/env python3
"""Validates the OpenAPI document a salvage server serves with openapi-spec-validator, the
reference validator of the OpenAPI Initiative's ecosystem: unique operation ids, resolvable
references, schemas of the right dialect, parameters that match their path templates.

Usage: openapi_check.py BASE_URL   (a running salvage server, e.g. http://127.0.0.1:8080)

Exits non-zero with the validator's message on the first error.
"""

import json
import sys
import urllib.request

from openapi_spec_validator import validate


def main():
    base = sys.argv[1].rstrip("/")
    with urllib.request.urlopen(f"{base}/api/v1/openapi.json") as response:
        spec = json.load(response)
    validate(spec)
    operations = [
        op["operationId"]
        for item in spec["paths"].values()
        for method, op in item.items()
        if method in ("get", "put", "post", "delete", "patch")
    ]
    print(f"openapi-spec-validator: the document is valid ({len(operations)} operations)")


if __name__ == "__main__":
    main()
