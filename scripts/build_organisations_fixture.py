"""
Build fixtures/organisations.json from the reference CSV of police forces, local policing bodies
and national bodies (fixtures/source/organisations.csv, a copy of the team's shared
data/organisations.csv; columns slug,name,short_name,kind,region,paired_slug,notes).

Rows are written with natural keys (the slug), so `manage.py loaddata organisations` updates
existing rows in place instead of adding new ones. A force and its local policing body point at
each other through `paired`, whichever of the two rows names the other.

Usage:
    .venv/bin/python scripts/build_organisations_fixture.py [CSV] [OUTPUT]
"""

import csv
import json
import sys
from collections import Counter
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CSV = BASE_DIR / "fixtures" / "source" / "organisations.csv"
DEFAULT_OUTPUT = BASE_DIR / "fixtures" / "organisations.json"
KINDS = {"police_force", "local_policing_body", "national_body"}
# Raw saves (loaddata) skip auto_now/auto_now_add, so the timestamps are written out.
TIMESTAMP = "2026-01-01T00:00:00Z"


def read_rows(csv_path):
    with open(csv_path, newline="", encoding="utf-8") as handle:
        return [
            {key: (value or "").strip() for key, value in row.items()}
            for row in csv.DictReader(handle)
        ]


def pairs_from_rows(rows):
    """Return {slug: paired slug}, set both ways, failing on unknown or conflicting pairs."""
    slugs = {row["slug"] for row in rows}
    pairs = {}
    for row in rows:
        slug, other = row["slug"], row["paired_slug"]
        if not other:
            continue
        if other not in slugs:
            raise ValueError(f"{slug}: paired_slug {other!r} is not an organisation in the CSV")
        for a, b in ((slug, other), (other, slug)):
            if pairs.get(a, b) != b:
                raise ValueError(f"{a} is paired with both {pairs[a]!r} and {b!r}")
            pairs[a] = b
    return pairs


def build(rows):
    slugs = [row["slug"] for row in rows]
    duplicates = [slug for slug, count in Counter(slugs).items() if count > 1]
    if duplicates:
        raise ValueError(f"Duplicate slugs: {', '.join(duplicates)}")
    for row in rows:
        if row["kind"] not in KINDS:
            raise ValueError(f"{row['slug']}: unknown kind {row['kind']!r}")
    pairs = pairs_from_rows(rows)
    objects = []
    for row in rows:
        paired = pairs.get(row["slug"])
        objects.append(
            {
                "model": "recommendations.organisation",
                "fields": {
                    "slug": row["slug"],
                    "name": row["name"],
                    "short_name": row["short_name"],
                    "kind": row["kind"],
                    "region": row["region"],
                    "paired": [paired] if paired else None,
                    "active": True,
                    "notes": row["notes"],
                    "created_at": TIMESTAMP,
                    "updated_at": TIMESTAMP,
                },
            }
        )
    return objects


def main(argv):
    csv_path = Path(argv[1]) if len(argv) > 1 else DEFAULT_CSV
    output = Path(argv[2]) if len(argv) > 2 else DEFAULT_OUTPUT
    rows = read_rows(csv_path)
    objects = build(rows)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(objects, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    kinds = Counter(row["kind"] for row in rows)
    print(
        f"Wrote {len(objects)} organisations to {output}: "
        + ", ".join(f"{count} {kind}" for kind, count in sorted(kinds.items()))
    )


if __name__ == "__main__":
    main(sys.argv)
