"""payhooks policy gate: custom Checkov PCI checks, exceptions and the compliance evidence report."""
