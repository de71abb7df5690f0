"""TRT Local: a self-hosted Telegram bot that sells Kie.ai generation."""

__version__ = "0.1.0"
