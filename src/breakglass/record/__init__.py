"""What the organisation keeps: the journal, the ceremony config, the manifest of a split, and the audit rules."""
