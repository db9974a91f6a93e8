"""CE certificates: issuance, PDF, signatures, public verification, revocation and re-issue."""
