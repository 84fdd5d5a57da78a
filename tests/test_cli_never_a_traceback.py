"""Every CLI command on any file ends with a documented exit code and one message.

The commands run in-process over the examples and over files that are not
network files (a device, a folder, a missing path, a file with a lone
surrogate, an input of 1e308, a cycle), with arguments out of range; none may
raise, print a traceback, or end as an internal error (exit 70: a bug).
"""
from __future__ import annotations

import json

import pytest

from visualnn.cli import EXIT_INTERNAL, main
from visualnn.io import examples_dir

DOCUMENTED = {0, 1, 2, 3}
COMMANDS = [["check"], ["trace"], ["trace", "--json"], ["trace", "--gates"], ["trace", "--sample", "-1"],
            ["trace", "--sample", "99999999999999999999"], ["gradcheck"], ["gradcheck", "--sample", "-1"],
            ["train", "--epochs", "2", "--save", "OUT"], ["train", "--epochs", "2", "--lr", "1e300"]]


@pytest.fixture(scope="module")
def odd_files(tmp_path_factory) -> list[str]:
    d = tmp_path_factory.mktemp("odd")
    mazur = json.loads((examples_dir() / "mazur_2_2_2.json").read_text())
    mazur["data"]["samples"][0]["i1"] = 1e308
    (d / "big_input.json").write_text(json.dumps(mazur))
    add_mul = (examples_dir() / "add_mul.json").read_text()
    (d / "surrogate.json").write_text(add_mul.replace('"title": "', '"title": "\\udc80'))
    (d / "not_json.json").write_text("{\"format\": \"visualnn\", \"version\": 1, \"network\": [")
    return [str(d / n) for n in ("big_input.json", "surrogate.json", "not_json.json")] + \
        ["/dev/zero", str(d), str(d / "missing.json")]


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_every_command_on_odd_files_and_examples_ends_in_a_documented_code(command, odd_files, capsys, tmp_path):
    files = odd_files + [str(examples_dir() / n) for n in ("add_mul.json", "mazur_2_2_2.json", "xor.json")]
    for f in files:
        argv = [command[0], f] + [str(tmp_path / "out.json") if a == "OUT" else a for a in command[1:]]
        code, out, err = run(argv, capsys)
        assert code in DOCUMENTED and code != EXIT_INTERNAL, (argv, code, err[-400:])
        assert "Traceback" not in out + err, argv
        if code != 0:
            assert err.strip(), f"{argv}: exit {code} without a message"
