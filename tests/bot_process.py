"""Run the bot (``python -m bot run``) as a subprocess against the fake Bot API server.

    async with await start_bot(fake, tmp_path, ADMIN_IDS="1001") as bot:
        fake.send_text(ALICE, "/start")
        ...
        assert await bot.terminate() == 0

stdout and stderr go to a log file (``log_text()``), so a failing test can show what the bot
said. The context manager always reaps the process: SIGTERM, then SIGKILL if it lingers.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import Mapping, Sequence
from contextlib import suppress
from pathlib import Path
from types import TracebackType
from typing import IO, TYPE_CHECKING, Final, Self

if TYPE_CHECKING:
    from tests.fake_bot_api import FakeBotAPI

PROJECT_ROOT: Final = Path(__file__).resolve().parent.parent
BOT_ARGS: Final = ("-m", "bot", "run")
PROXY_VARIABLES: Final = frozenset(
    {"http_proxy", "https_proxy", "all_proxy", "ftp_proxy", "ws_proxy", "wss_proxy", "no_proxy"}
)
# The bot's own settings (bot/settings.py reads them case-insensitively): never inherited from
# the developer's shell, only what the test passes.
BOT_SETTINGS: Final = frozenset(
    {
        "BOT_TOKEN",
        "DATABASE_URL",
        "REDIS_URL",
        "TELEGRAM_API_URL",
        "ADMIN_IDS",
        "TIMEZONE",
        "LOG_LEVEL",
        "WEBHOOK_URL",
        "WEBHOOK_SECRET",
        "WEBHOOK_HOST",
        "WEBHOOK_PORT",
        "WEBHOOK_PATH",
        "SHUTDOWN_TIMEOUT",
    }
)
KILL_GRACE_SECONDS: Final = 5.0


def child_environment(extra: Mapping[str, str]) -> dict[str, str]:
    """The current environment without proxies or bot settings, the project importable, + extra."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key.lower() not in PROXY_VARIABLES and key.upper() not in BOT_SETTINGS
    }
    python_path = [str(PROJECT_ROOT), *filter(None, env.get("PYTHONPATH", "").split(os.pathsep))]
    env["PYTHONPATH"] = os.pathsep.join(python_path)
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


class BotProcess:
    """One bot subprocess (restartable) with its output in a log file."""

    def __init__(self, log_path: Path | None = None, args: Sequence[str] = BOT_ARGS) -> None:
        self.args = tuple(args)
        self.log_path = log_path
        self.env: dict[str, str] = {}
        self.cwd: Path | None = None
        self.process: asyncio.subprocess.Process | None = None
        self._log: IO[bytes] | None = None
        self._starts = 0

    @property
    def running(self) -> bool:
        return self.process is not None and self.process.returncode is None

    @property
    def returncode(self) -> int | None:
        return None if self.process is None else self.process.returncode

    async def start(self, env: Mapping[str, str], cwd: Path) -> None:
        """Start ``python -m bot run`` in ``cwd`` with the environment described above."""
        if self.running:
            raise RuntimeError("the bot process is already running")
        self.env, self.cwd = dict(env), Path(cwd)
        self.log_path = self.log_path or self.cwd / "bot.log"
        log = self._open_log()
        self.process = await asyncio.create_subprocess_exec(
            sys.executable,
            *self.args,
            cwd=self.cwd,
            env=child_environment(self.env),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=log,
            stderr=asyncio.subprocess.STDOUT,
        )

    async def start_and_wait(
        self,
        fake: FakeBotAPI,
        env: Mapping[str, str],
        cwd: Path,
        timeout: float = 30.0,
    ) -> None:
        """Start, then wait until the bot polls the fake (or fail with the bot's log)."""
        since = fake.poll_count
        await self.start(env, cwd)
        await self.wait_until_polling(fake, timeout, since)

    async def restart(self, fake: FakeBotAPI, timeout: float = 30.0) -> None:
        """Start again with the previous environment (after ``terminate`` or ``kill``)."""
        if self.cwd is None:
            raise RuntimeError("the bot process was never started")
        await self.start_and_wait(fake, self.env, self.cwd, timeout)

    async def wait_until_polling(
        self,
        fake: FakeBotAPI,
        timeout: float = 30.0,
        since: int = 0,
    ) -> None:
        """Wait for a getUpdates call number ``since + 1``; fail fast if the process exits."""
        process = self._require_process()
        polling = asyncio.create_task(fake.wait_until_polling(timeout, since))
        exited = asyncio.create_task(process.wait())
        try:
            await asyncio.wait({polling, exited}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (polling, exited):
                task.cancel()
            await asyncio.gather(polling, exited, return_exceptions=True)
        if polling.cancelled() or polling.exception() is not None:
            reason = (
                f"the bot exited with code {process.returncode} before polling"
                if process.returncode is not None
                else str(polling.exception())
            )
            raise AssertionError(f"{reason}\n--- bot log ---\n{self.log_text()}")

    async def terminate(self, timeout: float = 10.0) -> int:
        """SIGTERM and wait; kill and fail if the bot does not exit within ``timeout``."""
        process = self._require_process()
        if process.returncode is None:
            with suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(timeout):
                    await process.wait()
            except TimeoutError:
                await self.kill()
                raise AssertionError(
                    f"the bot did not exit within {timeout}s of SIGTERM\n"
                    f"--- bot log ---\n{self.log_text()}"
                ) from None
        self._close_log()
        return self._exit_code(process)

    async def kill(self) -> int:
        """SIGKILL (a crash, for restart tests) and reap; returns the exit code (-9)."""
        process = self._require_process()
        if process.returncode is None:
            with suppress(ProcessLookupError):
                process.kill()
        await process.wait()
        self._close_log()
        return self._exit_code(process)

    async def close(self) -> None:
        """Stop the process however necessary; never raises for a stubborn bot."""
        process = self.process
        if process is not None and process.returncode is None:
            with suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
            try:
                async with asyncio.timeout(KILL_GRACE_SECONDS):
                    await process.wait()
            except TimeoutError:
                await self.kill()
        if process is not None:
            await process.wait()
        self._close_log()

    def log_text(self) -> str:
        """Everything the bot printed so far (all runs)."""
        if self._log is not None:
            self._log.flush()
        if self.log_path is None or not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.close()

    def _open_log(self) -> IO[bytes]:
        assert self.log_path is not None
        self._close_log()
        self._starts += 1
        self._log = self.log_path.open("ab")
        header = f"=== start {self._starts}: {sys.executable} {' '.join(self.args)} ===\n"
        self._log.write(header.encode())
        self._log.flush()
        return self._log

    def _close_log(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None

    def _require_process(self) -> asyncio.subprocess.Process:
        if self.process is None:
            raise RuntimeError("the bot process was never started")
        return self.process

    @staticmethod
    def _exit_code(process: asyncio.subprocess.Process) -> int:
        assert process.returncode is not None
        return process.returncode


async def start_bot(
    fake: FakeBotAPI,
    tmp_path: Path,
    *,
    timeout: float = 30.0,
    **extra_env: str,
) -> BotProcess:
    """Start the bot against ``fake`` with an SQLite database in ``tmp_path``; return it polling.

    ``extra_env`` adds or overrides variables (ADMIN_IDS="1,2", REDIS_URL=..., LOG_LEVEL=...).
    On failure the process is stopped and the AssertionError carries the bot's log.
    """
    env = {
        "BOT_TOKEN": fake.token,
        "TELEGRAM_API_URL": fake.url,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'bot.db'}",
        "LOG_LEVEL": "DEBUG",
        **extra_env,
    }
    bot = BotProcess(log_path=tmp_path / "bot.log")
    try:
        await bot.start_and_wait(fake, env, tmp_path, timeout)
    except BaseException:
        await bot.close()
        raise
    return bot
