"""Where the CPU goes during a timed phase: per process, from ``/proc/<pid>/stat`` (utime +
stime, in clock ticks), and the whole machine from ``/proc/stat``.

``Meter.start()`` before the phase and ``Meter.stop()`` after it give the CPU seconds each
component spent meanwhile: the bot processes, PostgreSQL (the backends serving the bench's
database, found by ``pg_stat_activity.datname``, and separately the server's shared
processes: WAL writer, checkpointer, background writer, which work for every database), Redis
(``INFO server`` ``process_id``; the server is shared with whatever else uses it), the load
generator (this process) and the rest of the machine (everything else: other jobs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import asyncpg
from redis.asyncio import Redis

TICK = os.sysconf("SC_CLK_TCK")


def process_seconds(pid: int) -> float:
    """utime + stime of one process in seconds (0 when it is gone)."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # fields 14 and 15 of proc(5)


def machine_seconds() -> float:
    """CPU seconds the whole machine spent busy (all cores; idle and iowait left out)."""
    with open("/proc/stat", encoding="ascii") as stat:
        values = [int(v) for v in stat.readline().split()[1:]]
    busy = sum(values[:8]) - values[3] - values[4]  # user nice system idle iowait irq softirq steal
    return busy / TICK


async def postgres_pids(dsn: str, database: str) -> tuple[set[int], set[int]]:
    """(backends serving ``database``, the server's own processes shared by every database)."""
    connection = await asyncpg.connect(dsn)
    try:
        rows = await connection.fetch("SELECT pid, datname, backend_type FROM pg_stat_activity")
        mine = await connection.fetchval("SELECT pg_backend_pid()")
    finally:
        await connection.close()
    ours = {r["pid"] for r in rows if r["datname"] == database and r["pid"] != mine}
    shared = {r["pid"] for r in rows if r["datname"] is None}
    return ours, shared


async def redis_pid(url: str) -> int:
    client = Redis.from_url(url)
    try:
        info = await client.info("server")
    finally:
        await client.aclose()
    return int(info["process_id"])


@dataclass
class Meter:
    """CPU seconds per component between ``start`` and ``stop``."""

    dsn: str  # plain postgresql:// for asyncpg
    database: str
    redis_url: str
    bots: list[int]
    before: dict[str, dict[int, float]] = field(default_factory=dict)
    spent: dict[str, float] = field(default_factory=dict)
    per_bot: list[float] = field(default_factory=list)
    _machine: float = 0.0

    async def _groups(self) -> dict[str, set[int]]:
        ours, shared = await postgres_pids(self.dsn, self.database)
        return {
            "bots": set(self.bots),
            "postgres": ours,
            "postgres (shared)": shared,
            "redis": {await redis_pid(self.redis_url)},
            "generator": {os.getpid()},
        }

    async def start(self) -> None:
        groups = await self._groups()
        self.before = {name: {p: process_seconds(p) for p in pids} for name, pids in groups.items()}
        self._machine = machine_seconds()

    async def stop(self) -> None:
        machine = machine_seconds() - self._machine
        groups = await self._groups()
        for name, pids in groups.items():
            earlier = self.before.get(name, {})
            # A backend that appeared meanwhile counts from zero: all of its CPU is the phase's.
            # One that ended meanwhile is lost (0, not negative): the pools keep theirs open.
            self.spent[name] = sum(
                max(0.0, process_seconds(p) - earlier.get(p, 0.0)) for p in pids | set(earlier)
            )
        self.per_bot = [process_seconds(p) - self.before["bots"].get(p, 0.0) for p in self.bots]
        self.spent["other"] = max(0.0, machine - sum(self.spent.values()))
        self.spent["machine"] = machine
