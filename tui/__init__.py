"""The Textual dashboard: a thin App (``tui.app.Dashboard``), one file per screen and widget.

It runs in the bot's own event loop and reads and changes everything through the services, the
same functions the Telegram side calls. It never imports the composition root: the runner hands
it a :class:`tui.host.BotHost`.
"""
