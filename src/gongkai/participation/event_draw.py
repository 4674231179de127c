"""The fair draw of an oversubscribed event, verifiable by anyone.

When the event is created a random seed is drawn (`secrets`) and kept secret; its SHA-256
hash is published on the event page while applications are open, so the seed cannot be
changed afterwards without everyone seeing it. After applications close the seed is
published together with the pseudonymous ids of the applicants, and the order is

    sorted(ids, key=lambda i: sha256(f"{seed}:{i}")),

a deterministic function of published data only: anyone can re-run it (the event page shows
the snippet in SNIPPET) and must get the order the platform used. Nobody, staff included,
can steer it: the seed is fixed before the applicants are known, and the ids are random."""

from __future__ import annotations

import hashlib
import hmac
import secrets

SNIPPET = """import hashlib

seed = "{seed}"
ids = {ids}
assert hashlib.sha256(seed.encode()).hexdigest() == "{seed_hash}"
order = sorted(ids, key=lambda i: hashlib.sha256(f"{{seed}}:{{i}}".encode()).hexdigest())
for n, i in enumerate(order, 1):
    print(n, i, "入选" if n <= {places} else "候补")
"""


def new_seed() -> str:
    """256 random bits as 64 hex digits."""
    return secrets.token_hex(32)


def seed_hash(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def seed_matches(seed: str, published_hash: str) -> bool:
    return hmac.compare_digest(seed_hash(seed), published_hash)


def draw_key(seed: str, public_id: str) -> str:
    return hashlib.sha256(f"{seed}:{public_id}".encode()).hexdigest()


def draw_order(seed: str, public_ids) -> list[str]:
    """The applicants' ids in the order of the draw (ties, impossible in practice, by id)."""
    return sorted(public_ids, key=lambda i: (draw_key(seed, i), i))


def snippet(seed: str, public_ids, places: int) -> str:
    """The Python a reader can paste to re-run the draw from the published data."""
    return SNIPPET.format(
        seed=seed, seed_hash=seed_hash(seed), ids=sorted(public_ids), places=places
    )
