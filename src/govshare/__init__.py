"""govshare: the government data sharing platform."""

__version__ = "0.1.0"
