"""The audit log: every record- or security-relevant event, in a tamper-evident chain."""

from training.audit.services import chain_head, format_head, record_event

__all__ = ["chain_head", "format_head", "record_event"]
