"""The outbox: the one way the bot sends messages nobody asked for (notices to other people,
reminders, announcements). They are written in the transaction that decided them (``queue``)
and sent by the ``Sender`` at Telegram's pace (``Pace``); replies to the person acting are
sent at once and never wait behind them."""
