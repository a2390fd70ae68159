"""Admin pages for the audit log (added by the hardening work)."""
