"""Hash chain of the audit log (replaced by the full verifier)."""

import hashlib
import json

GENESIS_HASH = "0" * 64


def entry_hash(prev_hash, seq, at_iso, actor, action, subject, details) -> str:
    payload = {"prev_hash": prev_hash, "seq": seq, "at": at_iso, "actor": actor,
               "action": action, "subject": subject, "details": details}
    data = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()
