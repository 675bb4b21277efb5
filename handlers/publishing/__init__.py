"""Forms uploaded, tried, published and withdrawn in the bot (/forms)."""
