"""Phản ánh, kiến nghị (Nghị định 20/2008/NĐ-CP): validation, storage, tracking codes and status."""
