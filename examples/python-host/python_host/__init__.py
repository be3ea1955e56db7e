"""A Flask app beside Lifeline: who is signed in, links to Lifeline's pages, signed webhooks."""

from .app import app_from_env, create_app
from .config import Config

__all__ = ["Config", "app_from_env", "create_app"]
