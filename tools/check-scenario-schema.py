#!/usr/bin/env python3
"""Checks scenario files against the generated JSON Schema (docs/scenario.schema.json).

    python3 tools/check-scenario-schema.py SCHEMA FILE...

Each YAML file is read with PyYAML, turned into JSON values and validated with the
`jsonschema` package (draft-07). Prints one line per problem, `FILE: PATH: MESSAGE`, sorted.
Exit status: 0 every file is valid; 1 some file is not; 2 bad usage or an unreadable file;
3 `jsonschema` or PyYAML is missing (Debian: apt-get install python3-jsonschema python3-yaml).
"""
import json
import sys

try:
    import jsonschema
    import yaml
except ImportError as e:
    print(f"check-scenario-schema: {e.name} is missing; install python3-jsonschema and python3-yaml", file=sys.stderr)
    sys.exit(3)


def main(argv):
    if len(argv) < 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    try:
        with open(argv[1], encoding="utf-8") as f:
            schema = json.load(f)
    except (OSError, ValueError) as e:
        print(f"check-scenario-schema: cannot read the schema {argv[1]}: {e}", file=sys.stderr)
        return 2
    jsonschema.Draft7Validator.check_schema(schema)
    validator = jsonschema.Draft7Validator(schema)
    status = 0
    for path in argv[2:]:
        try:
            with open(path, encoding="utf-8") as f:
                document = yaml.safe_load(f)
            # Through JSON, as an editor sees it (dates and other YAML-only values become text).
            document = json.loads(json.dumps(document, default=str))
        except (OSError, yaml.YAMLError) as e:
            print(f"check-scenario-schema: cannot read {path}: {e}", file=sys.stderr)
            status = max(status, 2)
            continue
        errors = sorted(validator.iter_errors(document), key=lambda e: [str(p) for p in e.absolute_path])
        for e in errors:
            where = "/".join(str(p) for p in e.absolute_path) or "(top)"
            print(f"{path}: {where}: {e.message}")
        if errors:
            status = max(status, 1)
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv))
