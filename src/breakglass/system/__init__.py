"""The boundary with the machine: files written safely, the credential read and written, the clock."""
