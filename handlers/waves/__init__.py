"""Monitoring waves of ``per_period`` forms (входной, промежуточный, итоговый мониторинг)."""
