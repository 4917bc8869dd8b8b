"""Operational concerns shared by our processes: logs without personal data."""

from bot.observability.pii import PiiFilter, install_pii_filter, mask_pii

__all__ = ["PiiFilter", "install_pii_filter", "mask_pii"]
