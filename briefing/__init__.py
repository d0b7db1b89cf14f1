"""brief: turn a pile of Arabic and English news articles into a sourced bilingual briefing."""

__version__ = "0.1.0"
