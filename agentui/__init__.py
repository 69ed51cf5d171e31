"""agentui: the support-desk console for customers of Russian mobile operators."""

__version__ = "0.1.0"
