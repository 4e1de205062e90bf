"""Images and PDFs in, QR texts and shares out: page preparation, decoders with retries, the per-page report."""
