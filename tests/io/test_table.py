"""Importing a CSV file's columns: bad rows named by line, names checked as any file's."""
import pytest

from visualnn.io import FileFormatError
from visualnn.io.table import guess_roles, parse_table, take_columns


def test_a_bad_row_is_left_out_and_named_by_its_line():
    t = parse_table("a;b;y\n1;2;0\n\n3;x;1\n5;6;1\n", "d.csv")
    got = take_columns(t, guess_roles(t))
    assert got.features == ["a", "b"] and got.targets == ["y"]
    assert list(got.columns["a"]) == [1.0, 5.0]
    assert [p.place for p in got.skipped] == ["line 4, column 'b'"]


def test_a_chosen_column_name_a_file_could_not_hold_is_refused():
    t = parse_table("a,b\u202e,y\n1,2,0\n", "d.csv")
    with pytest.raises(FileFormatError, match="line 1, column 2.*RIGHT-TO-LEFT OVERRIDE"):
        take_columns(t, ["feature", "feature", "target"])
    assert take_columns(t, ["feature", "ignore", "target"]).features == ["a"]


def test_an_empty_file_and_a_header_alone_are_refused_by_line():
    with pytest.raises(FileFormatError, match="line 1"):
        parse_table("", "d.csv")
    with pytest.raises(FileFormatError, match="line 2: expected at least one data row"):
        parse_table("a,b\n", "d.csv")


def test_a_column_name_too_long_to_name_its_weights_is_refused():
    t = parse_table("a," + "b" * 190 + ",y\n1,2,0\n", "d.csv")
    with pytest.raises(FileFormatError, match="line 1, column 2: the column name is 190 characters"):
        take_columns(t, ["feature", "feature", "target"])
