"""Application (hồ sơ) status lookup through a replaceable provider."""
