"""Telegram handlers, one module per feature; registered in bot/application.py."""
