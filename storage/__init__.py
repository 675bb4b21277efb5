"""SQLAlchemy 2 async storage: models, repositories returning plain objects, the unit of work,
Alembic migrations and the SQL-backed FSM storage. Dialect-neutral: SQLite and PostgreSQL."""
