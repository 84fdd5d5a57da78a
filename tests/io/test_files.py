"""Opening a path that is not a readable UTF-8 network file gives one clear
message naming it, never a traceback."""
import json
import os

import pytest

from iohelp import EXAMPLES
from visualnn.io import FileFormatError, load, loads
from visualnn.io import files as files_module


def only_problem(path):
    with pytest.raises(FileFormatError) as info:
        load(path)
    (p,) = info.value.problems
    assert p.file == str(path)
    return p


def test_missing_file(tmp_path):
    assert only_problem(tmp_path / "nope.json").message == "no such file"


def test_directory_is_refused(tmp_path):
    assert only_problem(tmp_path).message == "is a folder, not a file; expected a network file"


def test_symlink_is_refused_naming_its_target(tmp_path):
    link = tmp_path / "link.json"
    link.symlink_to(EXAMPLES / "add_mul.json")
    msg = only_problem(link).message
    assert msg.startswith("is a symbolic link (to ")
    assert "add_mul.json" in msg and "open the network file it points to" in msg


def test_fifo_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.json"
    os.mkfifo(fifo)
    assert only_problem(fifo).message.startswith("is not a regular file")


def test_oversized_file_is_refused_before_reading(tmp_path, monkeypatch):
    big = tmp_path / "big.json"
    with open(big, "wb") as f:                      # sparse: 60 MB on paper, nothing on disk
        f.truncate(60 * 1024 * 1024)
    monkeypatch.setattr(os, "read", lambda *a: pytest.fail("read an oversized file"))
    msg = only_problem(big).message
    assert msg == "the file is 60.0 MB; files over 50.0 MB are refused (the limit on a network file)"


def test_file_growing_past_the_limit_while_read_is_refused(tmp_path, monkeypatch):
    f = tmp_path / "grows.json"
    f.write_text(" " * 500)
    monkeypatch.setattr(files_module, "MAX_FILE_BYTES", 100)
    small = type("Stat", (), {"st_mode": 0o100644, "st_size": 50})()     # what it was when looked at
    monkeypatch.setattr(files_module.os, "lstat", lambda p: small)
    assert "larger files are refused" in only_problem(f).message


def test_unreadable_file_says_permission_denied(tmp_path, monkeypatch):
    f = tmp_path / "secret.json"
    f.write_text("{}")

    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")
    monkeypatch.setattr(files_module.os, "open", denied)
    assert only_problem(f).message == "cannot read this file: permission denied"


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0,
                    reason="root reads files whatever their permissions")
def test_unreadable_file_for_real(tmp_path):
    f = tmp_path / "secret.json"
    f.write_text("{}")
    f.chmod(0)
    try:
        assert only_problem(f).message == "cannot read this file: permission denied"
    finally:
        f.chmod(0o600)


def test_non_utf8_file_names_the_byte_and_its_place(tmp_path):
    f = tmp_path / "latin1.json"
    f.write_bytes('{\n  "title": "Caf\u00e9"\n}'.encode("latin-1"))
    p = only_problem(f)
    assert p.place == "line 2, column 16"
    assert p.message == "not UTF-8 text (byte 0xe9); a network file must be saved as UTF-8"


def test_utf8_byte_order_mark_is_accepted(tmp_path):
    f = tmp_path / "bom.json"
    f.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "add_mul.json").read_bytes())
    assert load(f).model.title == "Start simple: f = (x + y) z"


def test_bytes_and_oversized_text_given_to_loads():
    text = (EXAMPLES / "add_mul.json").read_text()
    assert loads(text.encode("utf-8")).model.graph.outputs == ["f"]
    with pytest.raises(FileFormatError) as info:
        loads(b"\xff\xfe{}", source="x.json")
    assert info.value.problems[0].message.startswith("not UTF-8 text (byte 0xff)")
    with pytest.raises(FileFormatError) as info:
        loads(" " * (50 * 1024 * 1024 + 1))
    assert "larger files are refused" in str(info.value)


def test_path_with_a_nul_byte_is_a_clear_error():
    with pytest.raises(FileFormatError) as info:
        load("bad\x00name.json")
    assert info.value.problems[0].message.startswith("cannot open")


def test_title_defaults_to_the_file_name(tmp_path):
    doc = json.loads((EXAMPLES / "add_mul.json").read_text())
    del doc["title"]
    f = tmp_path / "my_net.json"
    f.write_text(json.dumps(doc))
    assert load(f).model.title == "my_net"
