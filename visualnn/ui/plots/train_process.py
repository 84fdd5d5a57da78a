"""The training panel's run in a process of its own, so the window never waits for it.

A trainer thread in the window's process shares the interpreter lock with the GUI
thread: while it trains, every repaint waits its turn (the heartbeat benchmark saw
the window blocked for up to 0.9 s).  Here ``engine.training.train`` runs in a
child Python started for the run (``python -c``, never a fork of the Qt process and
never an import of the program's main script, which may open a window of its own).
Two pipes join them: the window sends the run and then how many more epochs may be
trained before pausing, or stop; the run sends at most every ``SEND_EVERY`` seconds
every epoch done since its last news with the latest weights, then its result.
Where no process can be started (a frozen app, a platform without ``pass_fds``) the
same run goes in a thread of the window's process behind the same pipes (``InThread``).

This module imports no Qt: it is what the child process loads.
"""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from multiprocessing import Pipe
from multiprocessing.connection import Connection
from pathlib import Path

SEND_EVERY = 1 / 10      # seconds between two news from the training process (the window draws each)
RUN_ON = -1              # an epoch budget without limit: train until the end
_ROOT = str(Path(__file__).resolve().parents[3])       # the folder holding this visualnn package


def start() -> tuple[subprocess.Popen, Connection, Connection]:
    """A training process waiting for its run: (process, control to it, news from it)."""
    to_child, to_child_w = os.pipe()
    from_child_r, from_child = os.pipe()
    code = (f"import sys; sys.path.insert(0, {_ROOT!r}); "
            f"from visualnn.ui.plots.train_process import main; main({to_child}, {from_child})")
    try:
        proc = subprocess.Popen([sys.executable, "-c", code], pass_fds=(to_child, from_child),
                                stdin=subprocess.DEVNULL)
    except BaseException:
        os.close(to_child_w)
        os.close(from_child_r)
        raise
    finally:
        os.close(to_child)
        os.close(from_child)
    return proc, Connection(to_child_w, readable=False), Connection(from_child_r, writable=False)


class Outbox:
    """The epochs done since the last news, sent at most every ``SEND_EVERY`` s."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.epochs: list = []
        self.params: dict = {}
        self.last = 0.0

    def add(self, epoch, train_loss, test_loss, params):
        self.epochs.append((epoch, train_loss, test_loss))
        self.params = params
        if time.perf_counter() - self.last >= SEND_EVERY:
            self.send()

    def send(self):
        if self.epochs:
            self.conn.send(("epochs", self.epochs, self.params))
            self.epochs = []
        self.last = time.perf_counter()


class Budget:
    """How many more epochs the window allows (``RUN_ON``: no limit; 0: paused), from its messages."""

    def __init__(self, control: Connection, budget: int):
        self.control = control
        self.left = budget
        self.stopped = False

    def _read(self, timeout: float | None = 0.0):
        try:
            while not self.stopped and self.control.poll(timeout):
                kind, *value = self.control.recv()
                if kind == "stop":
                    self.stopped = True
                else:
                    self.left = value[0]
                timeout = 0.0
        except (EOFError, OSError):        # the window has gone
            self.stopped = True

    def should_stop(self, outbox: Outbox) -> bool:
        """Asked before each epoch: stop, train it, or pause here until told."""
        self._read()
        while not self.stopped and self.left == 0:
            outbox.send()                  # paused: the window sees every epoch done
            self._read(None)
        if self.left > 0:
            self.left -= 1
        return self.stopped


def main(control_fd: int, news_fd: int) -> None:
    """(training process) Take the run from the window, train, send the news and the result."""
    if hasattr(os, "nice"):
        os.nice(10)                        # background work: the window and the X server go first
    serve(Connection(control_fd, writable=False), Connection(news_fd, readable=False))


def serve(control: Connection, news: Connection) -> None:
    """Take the run from ``control``, train, send the news and the result on ``news``."""
    from ...engine.training import train
    try:
        model, args, budget = control.recv()
        outbox, allowed = Outbox(news), Budget(control, budget)
        try:
            result = train(model, callback=outbox.add, should_stop=lambda: allowed.should_stop(outbox), **args)
        except (ConnectionError, EOFError):
            raise
        except Exception as exc:           # bad settings, no data: a message, not a crash
            news.send(("failed", str(exc)))
            return
        outbox.send()
        # the window has every loss from the news: a long run's history would only hold it up
        result.history, result.test_history = result.history[-1:], result.test_history[-1:]
        news.send(("result", result))
    except (ConnectionError, EOFError):    # the window stopped listening: the run is over
        return


class InThread:
    """Where no training process can be started (no Python to start, a platform without
    ``pass_fds``), the same run in a thread of the window's own process, behind the same
    pipes; it shares the interpreter lock with the window, which then answers more slowly."""

    pid = None

    def __init__(self, control: Connection, news: Connection):
        self._thread = threading.Thread(target=serve, args=(control, news), daemon=True,
                                        name="visualnn training")
        self._thread.start()

    def poll(self) -> int | None:
        return None if self._thread.is_alive() else 0

    def wait(self, timeout: float | None = None) -> int:
        self._thread.join(timeout)
        if self._thread.is_alive():
            raise subprocess.TimeoutExpired("training thread", timeout or 0.0)
        return 0

    def kill(self) -> None:
        """A thread cannot be killed: its closed pipes stop it before its next epoch."""


def start_in_thread() -> tuple[InThread, Connection, Connection]:
    """The run in a thread of this process: (stand-in for the process, control, news)."""
    control_r, control_w = Pipe(duplex=False)
    news_r, news_w = Pipe(duplex=False)
    return InThread(control_r, news_w), control_w, news_r
