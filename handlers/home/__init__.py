"""The main menu: /start, /help, /cancel."""
