"""Loading parsed documents into the raw schema, one transaction per document."""
