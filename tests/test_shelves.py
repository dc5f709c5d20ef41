"""The built-in shelves: node results, error cases, and the specs the UI renders."""

from __future__ import annotations

import json as stdlib_json
from typing import Any

import pytest

from nodeweave.core.context import NodeContext
from nodeweave.core.library import Library, Shelf
from nodeweave.core.spec import NodeSpec
from nodeweave.shelves import builtin_shelves, logic, numbers, text
from nodeweave.shelves import collections as col
from nodeweave.shelves import json as js
from nodeweave.shelves import time as tm

SHELF_NAMES = [
    "numbers",
    "text",
    "logic",
    "collections",
    "json",
    "time",
    "sources",
    "files",
    "tables",
    "arrays",
    "plots",
    "sql",
]


def all_specs() -> list[NodeSpec]:
    return [spec for shelf in builtin_shelves() for spec in shelf.specs()]


# --- the shelves as a whole -----------------------------------------------------------------


def test_builtin_shelves_are_the_top_level_shelves() -> None:
    shelves = builtin_shelves()
    assert [s.name for s in shelves] == SHELF_NAMES
    assert all(isinstance(s, Shelf) and s.description for s in shelves)
    assert all(s.nodes for s in shelves)


def test_builtin_shelves_are_fresh_objects_each_call() -> None:
    first, second = builtin_shelves(), builtin_shelves()
    for a, b in zip(first, second, strict=True):
        assert a is not b
        assert a.nodes is not b.nodes
        a.nodes.clear()
    assert all(s.nodes for s in builtin_shelves())


def test_ids_are_unique_and_namespaced_by_shelf() -> None:
    ids = [spec.id for spec in all_specs()]
    assert len(ids) == len(set(ids))
    for shelf in builtin_shelves():
        for spec in shelf.specs():
            assert spec.id.startswith(f"{shelf.name}.")


def test_shelves_load_into_a_library() -> None:
    library = Library(builtin_shelves())
    for node_id in [
        "numbers.add",
        "text.split",
        "logic.if_else",
        "collections.get",
        "json.parse",
        "time.sleep",
    ]:
        assert node_id in library


@pytest.mark.parametrize("spec", all_specs(), ids=lambda s: s.id)
def test_every_spec_is_described_and_renderable(spec: NodeSpec) -> None:
    assert spec.name
    assert spec.description
    assert "\n" not in spec.description
    for inp in spec.inputs:
        if inp.annotation is not Any:
            assert inp.schema, f"{spec.id}.{inp.name} has an empty schema"
    stdlib_json.dumps(spec.to_dict())  # the spec goes over the wire as JSON


@pytest.mark.parametrize("spec", all_specs(), ids=lambda s: s.id)
def test_defaults_are_accepted_by_their_own_inputs(spec: NodeSpec) -> None:
    for inp in spec.inputs:
        if not inp.required:
            assert inp.validate(inp.default) == inp.default


def test_slider_schema_carries_its_range() -> None:
    spec = next(s for s in all_specs() if s.id == "numbers.slider")
    schema = spec.input_map["value"].schema
    assert schema["minimum"] == 0
    assert schema["maximum"] == 100
    assert schema["step"] == 1
    assert schema["x-widget"] == "slider"
    sleep_schema = next(s for s in all_specs() if s.id == "time.sleep").input_map["seconds"].schema
    assert (sleep_schema["minimum"], sleep_schema["maximum"], sleep_schema["step"]) == (0, 60, 0.1)


def test_choice_and_widget_inputs_render_as_such() -> None:
    specs = {s.id: s for s in all_specs()}
    assert specs["numbers.compare"].input_map["op"].schema["enum"] == [
        "==",
        "!=",
        "<",
        "<=",
        ">",
        ">=",
    ]
    assert specs["text.constant"].input_map["value"].schema["x-widget"] == "textarea"
    assert specs["json.constant"].input_map["value"].schema["x-widget"] == "json"
    assert specs["logic.boolean"].input_map["value"].schema["type"] == "boolean"
    assert [o.name for o in specs["text.split"].outputs] == ["out"]


def test_sleep_takes_a_context_that_is_not_an_input() -> None:
    spec = next(s for s in all_specs() if s.id == "time.sleep")
    assert spec.executor == "async"
    assert spec.context_param == "ctx"
    assert [i.name for i in spec.inputs] == ["seconds", "value"]


# --- numbers --------------------------------------------------------------------------------


def test_number_constants() -> None:
    assert numbers.number(2.5) == 2.5
    assert numbers.integer(7) == 7
    assert numbers.slider() == 50.0


def test_arithmetic() -> None:
    assert numbers.add(1, 2) == 3
    assert numbers.subtract(1, 2) == -1
    assert numbers.multiply(3, 4) == 12
    assert numbers.divide(1, 4) == 0.25
    assert numbers.floor_divide(7, 2) == 3
    assert numbers.modulo(-7, 3) == 2
    assert numbers.power(2, 10) == 1024
    assert numbers.negate(3) == -3
    assert numbers.absolute(-2.5) == 2.5
    assert numbers.round_number(2.675, 1) == 2.7
    assert numbers.round_number(1234, -2) == 1200
    assert numbers.minimum(3, -1) == -1
    assert numbers.maximum(3, -1) == 3


@pytest.mark.parametrize("fn", [numbers.divide, numbers.floor_divide, numbers.modulo])
def test_division_by_zero_is_a_clear_error(fn: Any) -> None:
    with pytest.raises(ZeroDivisionError, match="zero"):
        fn(1, 0)


def test_power_errors() -> None:
    with pytest.raises(ZeroDivisionError):
        numbers.power(0, -1)
    with pytest.raises(ValueError, match="not a real number"):
        numbers.power(-8, 1 / 3)
    with pytest.raises(OverflowError, match="too large"):
        numbers.power(10.0, 1000.0)


def test_clamp() -> None:
    assert numbers.clamp(5, 0, 1) == 1
    assert numbers.clamp(-5, 0, 1) == 0
    assert numbers.clamp(0.5, 0, 1) == 0.5
    with pytest.raises(ValueError, match="low <= high"):
        numbers.clamp(0, 2, 1)


def test_sum_and_mean() -> None:
    assert numbers.total([]) == 0
    assert numbers.total([1, 2, 3]) == 6
    assert numbers.total([0.1] * 10) == 1.0
    assert numbers.mean([1, 2, 3, 4]) == 2.5
    with pytest.raises(ValueError, match="empty"):
        numbers.mean([])


def test_compare() -> None:
    assert numbers.compare(1, "<", 2) is True
    assert numbers.compare(1, ">=", 2) is False
    assert numbers.compare(2, "==", 2.0) is True
    assert numbers.compare(2, "!=", 2) is False
    with pytest.raises(ValueError, match="unknown comparison"):
        numbers.compare(1, "<>", 2)  # type: ignore[arg-type]


def test_range() -> None:
    assert numbers.int_range() == list(range(10))
    assert numbers.int_range(10, 0, -3) == [10, 7, 4, 1]
    assert numbers.int_range(5, 0) == []
    with pytest.raises(ValueError, match="zero"):
        numbers.int_range(0, 10, 0)
    with pytest.raises(ValueError, match="limit"):
        numbers.int_range(0, 10**12)


def test_random_is_deterministic_for_a_seed_and_in_range() -> None:
    a = numbers.random_number(42, 5, 6)
    assert a == numbers.random_number(42, 5, 6)
    assert 5 <= a <= 6
    values = {numbers.random_integer(seed, 1, 3) for seed in range(50)}
    assert values == {1, 2, 3}
    assert numbers.random_integer(7, 0, 100) == numbers.random_integer(7, 0, 100)
    assert 0 <= numbers.random_number(None) <= 1
    with pytest.raises(ValueError, match="low <= high"):
        numbers.random_integer(0, 3, 1)


# --- text -----------------------------------------------------------------------------------


def test_text_format() -> None:
    assert text.constant("abc") == "abc"
    assert text.format_text("Hi {name}, {n:03d}", {"name": "Ada", "n": 7}) == "Hi Ada, 007"
    assert text.format_text("plain") == "plain"
    with pytest.raises(KeyError, match=r"'who'.*'name'"):
        text.format_text("Hi {who}", {"name": "Ada"})
    with pytest.raises(ValueError, match="cannot fill"):
        text.format_text("Hi {}", {})
    assert text.placeholders("{a} {b.x} {a} {c[0]:>4}") == ["a", "b", "c"]


def test_split_join_lines() -> None:
    assert text.split("a,b,c") == ["a", "b", "c"]
    assert text.split("a,b,c", ",", 1) == ["a", "b,c"]
    assert text.split("  a  b ", "") == ["a", "b"]
    assert text.join(["a", 1, None], "-") == "a-1-None"
    assert text.join([]) == ""
    assert text.lines("a\n\nb\r\n") == ["a", "", "b"]
    assert text.lines("a\n \nb", skip_empty=True) == ["a", "b"]


def test_text_transformations() -> None:
    assert text.replace("aaa", "a", "b") == "bbb"
    assert text.replace("aaa", "a", "b", 2) == "bba"
    assert text.replace("aaa", "", "b") == "aaa"
    assert text.change_case("hello world", "upper") == "HELLO WORLD"
    assert text.change_case("hello world", "title") == "Hello World"
    assert text.change_case("HeLLo") == "hello"
    assert text.strip_text("  x  ") == "x"
    assert text.strip_text("--x--", "-", "left") == "x--"
    assert text.strip_text("  x  ", side="right") == "  x"


def test_text_inspection() -> None:
    assert text.length("héllo") == 5
    assert text.contains("Hello", "ell")
    assert not text.contains("Hello", "ELL")
    assert text.contains("Hello", "ELL", ignore_case=True)
    assert text.starts_with("Hello", "He")
    assert text.starts_with("Hello", "he", ignore_case=True)
    assert text.ends_with("Hello", "lo")
    assert not text.ends_with("Hello", "LO")


def test_regex() -> None:
    assert text.regex_match("id=42", r"(\w+)=(\d+)") == ["id=42", "id", "42"]
    assert text.regex_match("x id=42", r"id", mode="match") is None
    assert text.regex_match("ID", "id", mode="fullmatch", ignore_case=True) == ["ID"]
    assert text.regex_match("a", r"(a)(b)?") == ["a", "a", None]
    assert text.regex_find_all("a1 b22 c", r"\d+") == ["1", "22"]
    assert text.regex_find_all("a=1, b=2", r"(\w)=(\d)") == [["a", "1"], ["b", "2"]]
    assert text.regex_substitute("a1 b2", r"(\w)(\d)", r"\2\1") == "1a 2b"
    assert text.regex_substitute("aaa", "a", "b", count=1) == "baa"


def test_regex_errors_are_clear() -> None:
    with pytest.raises(ValueError, match="invalid regular expression"):
        text.regex_match("x", "(")
    with pytest.raises(ValueError, match="invalid regular expression"):
        text.regex_find_all("x", "[")
    with pytest.raises(ValueError, match="invalid replacement"):
        text.regex_substitute("x", "x", r"\9")


# --- logic ----------------------------------------------------------------------------------


def test_logic() -> None:
    assert logic.boolean(True) is True
    assert logic.if_else(True, "yes", "no") == "yes"
    assert logic.if_else(False, "yes", "no") == "no"
    assert logic.if_else() is None
    table = [(False, False), (False, True), (True, False), (True, True)]
    assert [logic.logical_and(a, b) for a, b in table] == [False, False, False, True]
    assert [logic.logical_or(a, b) for a, b in table] == [False, True, True, True]
    assert [logic.logical_xor(a, b) for a, b in table] == [False, True, True, False]
    assert logic.logical_not(False) is True
    assert logic.all_true([1, "x"]) and not logic.all_true([1, 0])
    assert logic.any_true([0, "x"]) and not logic.any_true([])
    assert logic.equals([1, {"a": 2}], [1, {"a": 2}]) is True
    assert logic.equals(1, "1") is False
    assert logic.is_none(None) and not logic.is_none(0)
    assert logic.truthy("x") and not logic.truthy([])


def test_equals_with_an_ambiguous_comparison_is_a_clear_error() -> None:
    class Elementwise:
        def __eq__(self, other: object) -> Any:
            return Ambiguous()

        __hash__ = None  # type: ignore[assignment]

    class Ambiguous:
        def __bool__(self) -> bool:
            raise ValueError("truth value is ambiguous")

    with pytest.raises(TypeError, match="cannot decide"):
        logic.equals(Elementwise(), 1)


# --- collections ----------------------------------------------------------------------------


def test_get() -> None:
    assert col.get([10, 20, 30], 1) == 20
    assert col.get([10, 20, 30], -1) == 30
    assert col.get({"a": 1}, "a") == 1
    assert col.get("abc", 2) == "c"
    assert col.get((1, 2), 1.0) == 2
    with pytest.raises(IndexError, match="index 3 is out of range for a list of length 3"):
        col.get([10, 20, 30], 3)
    with pytest.raises(KeyError, match=r"no key 'b'.*'a'"):
        col.get({"a": 1}, "b")
    with pytest.raises(TypeError, match="whole number"):
        col.get([1], "0")
    with pytest.raises(TypeError, match="None"):
        col.get(None, 0)


def test_dict_get_and_pluck() -> None:
    assert col.dict_get({"a": 1}, "a") == 1
    assert col.dict_get({"a": 1}, "b", 5) == 5
    assert col.dict_get(None, "b", 5) == 5
    records = [{"n": 1}, {"n": 2}, {}, None]
    assert col.pluck(records, "n") == [1, 2, None, None]
    assert col.pluck([[1, 2], [3]], 1, default=0) == [2, 0]


def test_slice() -> None:
    assert col.slice_items([0, 1, 2, 3, 4], 1, 4) == [1, 2, 3]
    assert col.slice_items([0, 1, 2, 3, 4], step=-2) == [4, 2, 0]
    assert col.slice_items("hello", None, 2) == "he"
    with pytest.raises(ValueError, match="zero"):
        col.slice_items([1], step=0)
    with pytest.raises(TypeError, match="cannot slice a dict"):
        col.slice_items({"a": 1}, 0, 1)


def test_length_and_counting() -> None:
    assert col.length([1, 2]) == 2
    assert col.length({"a": 1}) == 1
    with pytest.raises(TypeError, match="int has no length"):
        col.length(5)
    assert col.count([1, 2, 1, "1"], 1) == 2
    assert col.value_counts(["b", "a", "b"]) == {"b": 2, "a": 1}
    assert list(col.value_counts(["a", "b", "b"])) == ["b", "a"]
    with pytest.raises(TypeError, match="hashable"):
        col.value_counts([[1]])


def test_sort_reverse_unique() -> None:
    assert col.sort([3, 1, 2]) == [1, 2, 3]
    assert col.sort([3, 1, 2], reverse=True) == [3, 2, 1]
    people = [{"name": "b", "age": 3}, {"name": "a", "age": 5}]
    assert col.sort(people, key="name") == [people[1], people[0]]
    assert col.sort(people, reverse=True, key="age") == [people[1], people[0]]
    with pytest.raises(KeyError, match="height"):
        col.sort(people, key="height")
    with pytest.raises(TypeError, match="cannot sort"):
        col.sort([1, "a"])
    original = [1, 2, 3]
    assert col.reverse(original) == [3, 2, 1]
    assert original == [1, 2, 3]
    assert col.unique([3, 1, 3, 2, 1]) == [3, 1, 2]
    assert col.unique([[1], [1], {"a": 1}, {"a": 1}, 2]) == [[1], {"a": 1}, 2]


def test_reshaping() -> None:
    assert col.zip_lists([1, 2, 3], ["a", "b"]) == [[1, "a"], [2, "b"]]
    with pytest.raises(ValueError, match="differ in length"):
        col.zip_lists([1, 2, 3], ["a", "b"], strict=True)
    d = {"a": 1, "b": 2}
    assert col.keys(d) == ["a", "b"]
    assert col.values(d) == [1, 2]
    assert col.items(d) == [["a", 1], ["b", 2]]
    assert col.list_constant([1, 2]) == [1, 2]
    assert col.list_constant() == []
    assert col.to_list(None) == []
    assert col.to_list((1, 2)) == [1, 2]
    assert col.to_list({"a": 1}) == ["a"]
    assert col.to_list("abc") == ["abc"]
    assert col.to_list(5) == [5]


def test_merge() -> None:
    a = {"x": 1, "n": {"p": 1, "q": 2}}
    b = {"y": 2, "n": {"q": 3}}
    assert col.merge(a, b) == {"x": 1, "y": 2, "n": {"q": 3}}
    assert col.merge(a, b, deep=True) == {"x": 1, "y": 2, "n": {"p": 1, "q": 3}}
    assert a == {"x": 1, "n": {"p": 1, "q": 2}}
    assert col.merge() == {}


# --- json -----------------------------------------------------------------------------------


def test_json_parse_and_dump() -> None:
    assert js.parse('{"a": [1, 2.5, null, true]}') == {"a": [1, 2.5, None, True]}
    assert js.dump({"b": 1, "a": [1, 2]}, indent=None, sort_keys=True) == '{"a": [1, 2], "b": 1}'
    assert js.dump({"a": 1}) == '{\n  "a": 1\n}'
    assert js.dump("é", indent=None) == '"é"'
    assert js.dump({1, 2}, indent=None) == '"{1, 2}"'  # repr fallback
    assert js.constant({"a": [1]}) == {"a": [1]}
    assert js.constant() is None


def test_json_parse_error_has_line_and_column() -> None:
    with pytest.raises(ValueError, match="line 2 column 8") as info:
        js.parse('{"a": 1,\n  "b": }')
    assert isinstance(info.value, stdlib_json.JSONDecodeError)
    assert (info.value.lineno, info.value.colno) == (2, 8)
    assert str(info.value).startswith("invalid JSON")


def test_json_dump_errors_are_clear() -> None:
    with pytest.raises(TypeError, match="cannot write this value as JSON"):
        js.dump({(1, 2): "tuple key"})


def test_json_get_path() -> None:
    data = {"users": [{"name": "Ada", "tags": ["x"]}, {"name": "Bob"}], "1": "one"}
    assert js.get_path(data, "users.0.name") == "Ada"
    assert js.get_path(data, "users[1].name") == "Bob"
    assert js.get_path(data, "users.-1.name") == "Bob"
    assert js.get_path(data, "users[0].tags[0]") == "x"
    assert js.get_path(data, "1") == "one"
    assert js.get_path({2: "int key"}, "2") == "int key"
    assert js.get_path(data) is data
    with pytest.raises(KeyError, match=r"no key 'nope' at users\.0"):
        js.get_path(data, "users.0.nope")
    with pytest.raises(IndexError, match="index 5 is out of range at users"):
        js.get_path(data, "users.5")
    with pytest.raises(TypeError, match="not an index"):
        js.get_path(data, "users.first")
    with pytest.raises(TypeError, match="cannot look up"):
        js.get_path(data, "users.0.name.x")


# --- time -----------------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[float | None, str]] = []

    def __call__(self, fraction: float | None, message: str) -> None:
        self.calls.append((fraction, message))


async def test_sleep_reports_progress_and_passes_the_value_on() -> None:
    recorder = Recorder()
    ctx = NodeContext("n1", report=recorder)
    assert await tm.sleep(ctx, 0.03, {"v": 1}) == {"v": 1}
    fractions = [f for f, _ in recorder.calls]
    assert fractions[0] == 0.0
    assert fractions[-1] == 1.0
    assert all(f is not None for f in fractions)
    assert fractions == sorted(fractions)  # type: ignore[type-var]
    assert all(message.endswith("s") for _, message in recorder.calls)


async def test_sleep_in_several_steps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(tm, "MAX_STEP_SECONDS", 0.01)
    recorder = Recorder()
    assert await tm.sleep(NodeContext("n1", report=recorder), 0.04) is None
    assert len(recorder.calls) >= 4
    assert any(f is not None and 0 < f < 1 for f, _ in recorder.calls)


async def test_sleep_zero_and_negative() -> None:
    recorder = Recorder()
    assert await tm.sleep(NodeContext("n1", report=recorder), 0, "x") == "x"
    assert recorder.calls == [(1.0, "0 / 0 s")]
    with pytest.raises(ValueError, match="negative"):
        await tm.sleep(NodeContext("n1", report=recorder), -1)


def test_format_unix_time() -> None:
    assert tm.format_unix(0) == "1970-01-01T00:00:00+00:00"
    assert tm.format_unix(86_400 + 3600, "%Y-%m-%d %H:%M") == "1970-01-02 01:00"
    assert tm.format_unix(0, "%H:%M", utc_offset_hours=5.5) == "05:30"
    with pytest.raises(ValueError, match="representable"):
        tm.format_unix(1e20)


def test_parse_times() -> None:
    assert tm.parse_iso() == 0.0
    assert tm.parse_iso("2024-01-01T00:00:00Z") == 1_704_067_200.0
    assert tm.parse_iso("2024-01-01T01:00:00+01:00") == 1_704_067_200.0
    assert tm.parse_iso("2024-01-01T01:00:00", utc_offset_hours=1) == 1_704_067_200.0
    assert tm.parse_iso("2024-01-01") == 1_704_067_200.0
    with pytest.raises(ValueError, match="not an ISO 8601"):
        tm.parse_iso("yesterday")
    assert tm.parse_time("01.01.2024 00:00", "%d.%m.%Y %H:%M") == 1_704_067_200.0
    with pytest.raises(ValueError, match="does not match"):
        tm.parse_time("2024", "%d.%m.%Y")
    unix = 1_700_000_000.5
    assert tm.parse_iso(tm.format_unix(unix, utc_offset_hours=-3)) == unix
