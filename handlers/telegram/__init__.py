"""The Telegram side shared by every feature: filters, refusals, sending the services'
replies through aiogram, the ports' Bot-backed implementations, the routers that belong to
no feature (groups, fallback, errors), and the router tree (``routers.setup_routers``)."""
