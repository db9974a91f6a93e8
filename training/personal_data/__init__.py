"""A person's own data: everything held about them as a download, and erasure under a legal hold."""
