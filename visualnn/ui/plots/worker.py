"""Running engine work off the GUI thread.

``Job`` runs one callable in a QThread and reports back through queued
signals; the callable receives ``cancelled()`` to poll.  A cancelled job's
result is dropped, so a panel never shows a stale surface.

Thread lifetime (a QThread destroyed while it runs aborts the process):
every plot thread is held in ``_LIVE`` until it has finished *and* returned
(``finished`` is emitted from inside the thread's last moments, so the
handler joins it before letting go); a panel going away cancels its
threads; the application quitting, and the interpreter exiting (tests,
scripts that never quit the app), stop and join whatever is left.  Every
join has a time limit.
"""
from __future__ import annotations

import atexit
import threading
import traceback

from PySide6.QtCore import QCoreApplication, QObject, QThread, Signal
from shiboken6 import isValid

# every plot thread still running: kept referenced (a QThread collected while it runs aborts the
# process) and stopped and joined when the application quits
_LIVE: set = set()
_HOOKED: list = []


JOIN_MS = 2000               # a finished thread's last moments: far shorter than this


def keep_alive(thread: QThread) -> None:
    """Hold ``thread`` until it has finished and returned; stop it
    (``cancel()``/``stop()``) when the app quits or the interpreter exits."""
    _LIVE.add(thread)
    thread.finished.connect(lambda t=thread: _forget(t))
    if not _HOOKED:
        atexit.register(stop_all)
        _HOOKED.append(atexit)
    app = QCoreApplication.instance()
    if app is not None and app not in _HOOKED:
        app.aboutToQuit.connect(lambda: stop_all())
        _HOOKED.append(app)


def _forget(thread: QThread) -> None:
    # ``finished`` arrives while the thread may still be returning: join it (instant
    # once it has) so the object is never deleted under a thread that is still running
    if isValid(thread):
        thread.wait(JOIN_MS)
        if thread.parent() is None:
            thread.deleteLater()
    _LIVE.discard(thread)


def live_threads() -> int:
    """Plot threads started and not yet finished (tests)."""
    return len(_LIVE)


def stop_all(ms: int = 5000) -> bool:
    """Ask every plot thread to stop and wait for them (quitting, tests)."""
    threads = [t for t in list(_LIVE) if isValid(t)]
    for t in threads:
        for name in ("cancel", "stop"):
            fn = getattr(t, name, None)
            if callable(fn):
                fn()
    ok = True
    for t in threads:
        ok = t.wait(ms) and ok
        if t.isFinished():
            _LIVE.discard(t)
    return ok


class Job(QThread):
    sigDone = Signal(object)          # the callable's result
    sigFailed = Signal(str)           # a readable message
    sigProgress = Signal(float)       # 0..1

    def __init__(self, fn, parent=None):
        super().__init__(parent)
        self._fn = fn
        self._cancel = threading.Event()

    def cancel(self):
        self._cancel.set()

    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def progress(self, fraction: float):
        if not self.cancelled():
            self.sigProgress.emit(float(fraction))

    def run(self):
        try:
            result = self._fn(self)
        except Exception as exc:             # shown to the user, never a crash of the window
            if not self.cancelled():
                self.sigFailed.emit(f"{exc.__class__.__name__}: {exc}")
                traceback.print_exc()
            return
        if not self.cancelled():
            self.sigDone.emit(result)


class JobRunner(QObject):
    """At most one job at a time: starting a new one cancels the old one."""
    sigBusy = Signal(bool)
    sigProgress = Signal(float)

    def __init__(self, parent=None):
        super().__init__(parent)
        self.job: Job | None = None
        self._old: list[Job] = []

    @property
    def busy(self) -> bool:
        return self.job is not None

    def start(self, fn, on_done, on_failed=None) -> Job:
        self.cancel()
        job = Job(fn)
        self.job = job
        self.destroyed.connect(job.cancel)        # the panel went away: stop computing for it

        def done(result, job=job):
            if isValid(self) and self.job is job:
                self.job = None
                self.sigBusy.emit(False)
                on_done(result)

        def failed(msg, job=job):
            if isValid(self) and self.job is job:
                self.job = None
                self.sigBusy.emit(False)
                if on_failed is not None:
                    on_failed(msg)

        job.sigDone.connect(done)
        job.sigFailed.connect(failed)
        job.sigProgress.connect(self.sigProgress)
        job.finished.connect(lambda job=job: self._reap(job))
        self.sigBusy.emit(True)
        keep_alive(job)
        job.start()
        return job

    def cancel(self):
        if self.job is not None:
            self.job.cancel()
            self._old.append(self.job)
            self.job = None
            self.sigBusy.emit(False)

    def _reap(self, job):
        if job in self._old:
            self._old.remove(job)
        if isValid(job):
            job.wait(JOIN_MS)                      # returned from run() before it is deleted
            job.deleteLater()

    def wait(self, ms: int = 10000) -> bool:
        """Block until every job has finished (tests, closing the window)."""
        ok = True
        for job in list(self._old) + ([self.job] if self.job else []):
            if isValid(job):
                ok = job.wait(ms) and ok
        return ok
