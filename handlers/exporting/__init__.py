"""Registers and the working group's summary as Excel files, for the bot and the command line.

``registers`` and ``summary`` import no aiogram, so ``school-bot export`` starts in a second."""
