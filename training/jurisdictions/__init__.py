"""State rules for dry needling as reviewed data, per-trainee evaluation, evidence packs."""
