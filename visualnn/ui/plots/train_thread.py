"""The training panel's worker: one run of ``engine.training.train`` in a QThread that can
pause between epochs and sends its news at most once a display frame, with back-pressure."""
from __future__ import annotations

import threading
import time

from PySide6.QtCore import QThread, Signal

from ...engine.training import train

EMIT_EVERY = 1 / 60        # seconds between progress signals from the training thread (a display frame)


class TrainThread(QThread):
    """One run of ``engine.training.train`` that can pause between epochs."""
    sigEpochs = Signal(object, object)   # [(epoch, train, test)], latest params; at most one queued
    sigResult = Signal(object)           # TrainResult
    sigFailed = Signal(str)

    def __init__(self, model, params, epochs, lr, optimizer, batch_size, seed, hyper, step_mode=False):
        super().__init__()
        self.args = dict(epochs=epochs, lr=lr, optimizer=optimizer, batch_size=batch_size, seed=seed,
                         hyper=hyper, start=dict(params))
        self.model = model.copy()
        self._stop = threading.Event()
        self._go = threading.Event()
        self._budget = 1 if step_mode else None   # epochs allowed before pausing; None = run on
        self._lock = threading.Lock()
        self._pending: list = []
        self._last_emit = 0.0
        self._params: dict = {}
        self._posted = False             # news sent that the window has not taken yet
        self.news_sent = self.news_taken = 0
        self._go.set()

    # -- control (GUI thread) ------------------------------------------------------
    def _allow(self, budget: int | None):
        """Let the run go on for ``budget`` more epochs (None: until the end; 0: pause now)."""
        with self._lock:
            self._budget = budget
            if budget == 0:
                self._go.clear()
            else:
                self._go.set()

    def pause(self):
        self._allow(0)

    def resume(self):
        self._allow(None)

    def one_epoch(self):
        self._allow(1)

    def stop(self):
        self._stop.set()
        self._go.set()

    # -- the training thread ---------------------------------------------------------
    def _should_stop(self) -> bool:
        while True:
            with self._lock:
                if self._stop.is_set():
                    return True
                if self._budget is None:
                    return False
                if self._budget > 0:
                    self._budget -= 1
                    if self._budget == 0:
                        self._go.clear()
                    return False
            self._flush(force=True)
            self._go.wait()

    def _callback(self, epoch, train_loss, test_loss, params):
        with self._lock:
            self._pending.append((epoch, train_loss, test_loss))
            self._params = params
        self._flush()

    def _flush(self, force=False):
        # back-pressure: while the window has not taken the last news, the epochs wait
        # here (as data, not as queued events); it takes everything when it gets to it
        with self._lock:
            now = time.perf_counter()
            if self._posted or not self._pending or (not force and now - self._last_emit < EMIT_EVERY):
                return
            batch, self._pending = self._pending, []
            self._posted = True
            self._last_emit = now
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
            result = train(self.model, callback=self._callback, should_stop=self._should_stop, **self.args)
        except Exception as exc:         # bad settings, no data: a message, not a crash
            self.sigFailed.emit(str(exc))
            return
        self._flush(force=True)
        self.sigResult.emit(result)
