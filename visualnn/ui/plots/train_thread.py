"""The training panel's worker: a QThread that runs one ``engine.training.train`` in a
process of its own (``train_process``) and passes its news on to the window with
back-pressure: at most one news waits for the window, which takes everything since.
The GUI thread's controls only note what they want; this thread tells the process."""
from __future__ import annotations

import pickle
import subprocess
import threading

from PySide6.QtCore import QThread, Signal

from . import train_process
from .train_process import RUN_ON, SEND_EVERY

EMIT_EVERY = SEND_EVERY    # seconds between progress news (the training process sends no more often)
POLL = 0.02                # seconds between two looks at the controls while no news comes
JOIN = 1.0                 # seconds a stopped training process has to end before it is killed


class TrainThread(QThread):
    """One run of ``engine.training.train`` in a training process, paused between epochs on request."""
    sigEpochs = Signal(object, object)   # [(epoch, train, test)], latest params; at most one queued
    sigResult = Signal(object)           # TrainResult
    sigFailed = Signal(str)

    def __init__(self, model, params, epochs, lr, optimizer, batch_size, seed, hyper, step_mode=False):
        super().__init__()
        self.args = dict(epochs=epochs, lr=lr, optimizer=optimizer, batch_size=batch_size, seed=seed,
                         hyper=hyper, start=dict(params))
        self.model = model.copy()
        self._budget = 1 if step_mode else RUN_ON
        self._told: int | None = None     # a budget not yet sent to the process
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._pending: list = []
        self._params: dict = {}
        self._posted = False             # news sent that the window has not taken yet
        self.news_sent = self.news_taken = 0
        self.in_window = False          # True: trained in a thread here, no process could be started
        self.pid: int | None = None      # the training process, once started

    # -- control (GUI thread): each returns at once, the process follows within POLL --------
    def _allow(self, budget: int):
        with self._lock:
            self._told = budget

    def pause(self):
        self._allow(0)

    def resume(self):
        self._allow(RUN_ON)

    def one_epoch(self):
        self._allow(1)

    def stop(self):
        self._stop.set()

    # -- the relay thread ---------------------------------------------------------------
    def _received(self, batch, params):
        # back-pressure: while the window has not taken the last news, the epochs wait
        # here (as data, not as queued events); it takes everything when it gets to it
        with self._lock:
            self._pending.extend(batch)
            self._params = params
            if self._posted:
                return
            batch, self._pending = self._pending, []
            self._posted = True
            self.news_sent += 1
            params = dict(self._params)
        self.sigEpochs.emit(batch, params)

    def take(self) -> tuple[list, dict]:
        """(GUI thread) The epochs done since the last news, the latest weights, and
        leave to send the next news."""
        with self._lock:
            batch, self._pending = self._pending, []
            self._posted = False
            self.news_taken += 1
            return batch, dict(self._params)

    def run(self):
        try:
            proc, control, news = train_process.start()
        except Exception:     # no process can be made here (no Python to start, no pass_fds): train in this one
            proc, control, news = train_process.start_in_thread()
        self.in_window = isinstance(proc, train_process.InThread)
        self.pid = proc.pid
        try:
            try:
                control.send((self.model, self.args, self._budget))
            except (pickle.PicklingError, TypeError, AttributeError) as exc:
                self.sigFailed.emit(f"the network could not be sent to the training process ({exc})")
                return
            self._relay(proc, control, news)
        except (ConnectionError, EOFError):
            if not self._stop.is_set():
                self.sigFailed.emit(f"the training process ended unexpectedly (exit code {proc.poll()})")
        finally:
            for conn in (control, news):
                conn.close()             # the process sees the window has gone, and ends
            try:
                proc.wait(JOIN)
            except subprocess.TimeoutExpired:    # stopped in the middle of a very long epoch
                proc.kill()
                proc.wait()

    def _relay(self, proc, control, news):
        while not self._stop.is_set():
            with self._lock:
                told, self._told = self._told, None
            if told is not None:
                control.send(("allow", told))
            if not news.poll(POLL):
                if proc.poll() is not None and not news.poll():
                    raise EOFError
                continue
            kind, *what = news.recv()
            if self._stop.is_set():
                return
            if kind == "epochs":
                self._received(*what)
            elif kind == "result":
                self.sigResult.emit(what[0])
                return
            else:
                self.sigFailed.emit(what[0])
                return
        control.send(("stop",))
