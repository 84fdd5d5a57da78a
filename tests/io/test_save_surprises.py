"""Saves that never surprise: a read-only file is not replaced, a file changed on disk
since it was opened is not overwritten unasked (modification time and content hash),
and the temporaries of an interrupted save are cleaned up by the next save there."""
from __future__ import annotations

import fcntl
import os

import pytest

from visualnn.io import examples_dir, load, save
from visualnn.io.saving import ChangedOnDiskError, ReadOnlyFileError


@pytest.fixture
def net(tmp_path):
    p = tmp_path / "net.json"
    p.write_bytes((examples_dir() / "mazur_2_2_2.json").read_bytes())
    return p


def later(path, text):
    """Write ``text`` to ``path`` as another program would, a moment later."""
    path.write_text(text)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 2_000_000_000))


def test_a_read_only_file_is_not_replaced(net):
    doc = load(net)
    doc.model.params["w1"] = 0.5
    before = net.read_bytes()
    net.chmod(0o444)
    with pytest.raises(ReadOnlyFileError, match="read-only, so it was not replaced"):
        save(doc)
    assert net.read_bytes() == before
    save(doc, net.with_name("copy.json"))                 # another name is fine


def test_a_file_changed_on_disk_since_it_was_opened_is_not_overwritten_unasked(net):
    doc = load(net)
    later(net, net.read_text().replace('"w1": 0.15', '"w1": 0.25'))
    with pytest.raises(ChangedOnDiskError, match="changed on disk"):
        save(doc)
    assert '"w1": 0.25' in net.read_text()
    save(doc, replace_changed=True)                        # the user chose to replace it
    assert load(net).model.params["w1"] == 0.15
    save(doc)                                              # what is on disk is what it wrote


def test_two_windows_saving_one_file_the_second_is_told(net):
    a, b = load(net), load(net)
    a.model.params["w1"] = 0.3
    save(a)
    b.model.params["w1"] = 0.7
    with pytest.raises(ChangedOnDiskError):
        save(b)
    assert load(net).model.params["w1"] == 0.3


def test_a_file_touched_but_not_changed_saves_without_asking(net):
    doc = load(net)
    later(net, net.read_text())
    save(doc)


def test_a_saved_document_saved_again_after_a_change_elsewhere_is_told(net, tmp_path):
    doc = load(net)
    out = tmp_path / "out.json"
    save(doc, out)
    later(out, out.read_text().replace("0.15", "0.95"))
    with pytest.raises(ChangedOnDiskError):
        save(doc)


def test_stale_temporaries_of_an_interrupted_save_are_removed_by_the_next_save(net):
    stale = [net.parent / ".net.json.k3j_8xq2.tmp", net.parent / ".other.json.abcdefgh.tmp"]
    for p in stale:
        p.write_text('{"format": "visu')                    # what kill -9 in the middle leaves
    busy = net.parent / ".net.json.busy0000.tmp"           # a save going on in another window
    busy.write_text("{")
    keep = [net.parent / ".notes.txt.abcdefgh.tmp", net.parent / "data.tmp"]
    for p in keep:
        p.write_text("not ours")
    fd = os.open(busy, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        save(load(net))
    finally:
        os.close(fd)
    assert not any(p.exists() for p in stale)
    assert busy.exists() and all(p.exists() for p in keep)
    assert sorted(p.name for p in net.parent.iterdir()) == sorted([".net.json.busy0000.tmp", "net.json"] +
                                                                   [p.name for p in keep])


def test_a_save_holds_its_temporary_locked_until_it_is_renamed(net, monkeypatch):
    seen = []
    real_replace = os.replace

    def replace(src, dst):
        fd = os.open(src, os.O_RDONLY)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            seen.append("free")
        except OSError:
            seen.append("locked")
        finally:
            os.close(fd)
        return real_replace(src, dst)
    monkeypatch.setattr(os, "replace", replace)
    save(load(net))
    assert seen == ["locked"]


def test_a_save_killed_midway_leaves_a_temporary_the_next_save_removes(net):
    import signal
    import subprocess
    import sys
    code = ("import os, sys, time; from visualnn.io import load, save; import visualnn.io.saving as s\n"
            "def stuck(a, b):\n    print('writing', flush=True); time.sleep(60)\n"
            "s.os.replace = stuck\nsave(load(sys.argv[1]))\n")
    proc = subprocess.Popen([sys.executable, "-c", code, str(net)], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "writing"      # the temporary is written and locked
        left = [p for p in net.parent.iterdir() if p.name.endswith(".tmp")]
        assert len(left) == 1
        save(load(net))                                          # locked: another save is writing it
        assert left[0].exists()
        proc.send_signal(signal.SIGKILL)                         # kill -9 in the middle of the save
        proc.wait(10)
    finally:
        proc.kill()
    save(load(net))
    assert not left[0].exists()
    assert [p.name for p in net.parent.iterdir()] == ["net.json"]
