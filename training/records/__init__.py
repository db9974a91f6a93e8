"""Auditors: CE records, exports, the audit log pages and the records API."""
