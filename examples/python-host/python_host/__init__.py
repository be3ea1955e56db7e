"""A Flask app beside Lifeline: who is signed in, links to Lifeline's pages, signed webhooks."""

from .app import create_app
from .config import Config

__all__ = ["Config", "create_app"]
