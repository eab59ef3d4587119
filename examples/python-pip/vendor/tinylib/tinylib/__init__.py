"""tinylib: a tiny pure-Python distribution, vendored as source so it installs without a package index."""

__version__ = "1.0.0"


def slug(text):
    """Lower-case words joined by '-', everything else dropped."""
    words = "".join(c.lower() if c.isalnum() else " " for c in text).split()
    return "-".join(words)
