"""@node turns typed functions into node specs, and refuses bad definitions at once."""

from __future__ import annotations

from typing import Annotated, Any, Literal

import pytest
from pydantic import Field

from nodeweave import Input, NodeContext, node
from nodeweave.core.errors import DefinitionError
from nodeweave.core.spec import spec_of
from nodeweave.core.values import NO_VALUE


class Matrix:
    """A type pydantic cannot describe as JSON: still a valid port, fed by edges."""


def test_bare_decorator_derives_id_name_and_keeps_the_function_callable() -> None:
    @node
    def add_one(a: int) -> int:
        """Add one."""
        return a + 1

    spec = spec_of(add_one)
    assert spec.id == (
        f"{__name__}.test_bare_decorator_derives_id_name_and_keeps_the_function_callable.add_one"
    )
    assert spec.name == "Add One"
    assert spec.description == "Add one."
    assert add_one(1) == 2


def test_parameters_become_typed_inputs_with_defaults_and_required_flags() -> None:
    @node(id="t.params")
    def f(text: str, sep: str = ",", count: int | None = None) -> str:
        return text

    spec = spec_of(f)
    assert [i.name for i in spec.inputs] == ["text", "sep", "count"]
    text, sep, count = spec.inputs
    assert text.required and text.default is NO_VALUE and text.schema == {"type": "string"}
    assert not sep.required and sep.default == ","
    assert not count.required and count.default is None
    assert count.schema == {"anyOf": [{"type": "integer"}, {"type": "null"}]}
    assert spec.outputs[0].name == "out" and spec.outputs[0].type_name == "str"


def test_annotated_input_metadata_becomes_widget_schema() -> None:
    @node(id="t.meta")
    def f(
        x: Annotated[float, Input(min=0, max=10, step=0.5, description="How much")] = 1.0,
        mode: Annotated[str, Input(options=["fast", "exact"])] = "fast",
        n: Annotated[int, Field(ge=1, description="Repeats")] = 1,
    ) -> float:
        return x

    x, mode, n = spec_of(f).inputs
    assert x.schema == {
        "type": "number",
        "minimum": 0,
        "maximum": 10,
        "step": 0.5,
        "description": "How much",
    }
    assert x.description == "How much"
    assert mode.schema["enum"] == ["fast", "exact"]
    assert n.schema["minimum"] == 1 and n.description == "Repeats"


def test_input_metadata_bounds_are_enforced_on_values() -> None:
    @node(id="t.bounded")
    def f(
        x: Annotated[int, Input(min=0, max=3)] = 0,
        mode: Annotated[str, Input(options=["a", "b"])] = "a",
    ) -> int:
        return x

    x, mode = spec_of(f).inputs
    assert x.validate(3) == 3
    with pytest.raises(ValueError, match="above the maximum"):
        x.validate(4)
    with pytest.raises(ValueError, match="not one of"):
        mode.validate("c")


def test_literal_and_enum_like_choices_render_as_enum() -> None:
    @node(id="t.literal")
    def f(op: Literal["<", ">"] = "<") -> bool:
        return True

    assert spec_of(f).inputs[0].schema["enum"] == ["<", ">"]


def test_tuple_return_with_named_outputs() -> None:
    @node(id="text.split", name="Split", outputs=["head", "tail"])
    def split(text: str, sep: str = ",") -> tuple[str, int]:
        head, _, tail = text.partition(sep)
        return head, len(tail)

    spec = spec_of(split)
    assert [(o.name, o.type_name) for o in spec.outputs] == [("head", "str"), ("tail", "int")]


def test_none_return_means_no_outputs() -> None:
    @node(id="t.sink")
    def sink(x: Any) -> None:
        return None

    assert spec_of(sink).outputs == ()


def test_async_functions_are_async_nodes_and_executors_are_recorded() -> None:
    @node(id="t.async")
    async def a(x: int) -> int:
        return x

    @node(id="t.thread", executor="thread")
    def t(x: int) -> int:
        return x

    assert spec_of(a).executor == "async"
    assert spec_of(t).executor == "thread"


def test_context_parameter_is_not_an_input() -> None:
    @node(id="t.ctx")
    def f(ctx: NodeContext, x: int = 1) -> int:
        return x

    spec = spec_of(f)
    assert spec.context_param == "ctx"
    assert [i.name for i in spec.inputs] == ["x"]


def test_undescribable_json_types_are_still_valid_ports() -> None:
    @node(id="t.matrix")
    def f(m: Matrix) -> Matrix:
        return m

    spec = spec_of(f)
    assert spec.inputs[0].schema == {"x-python-type": f"{__name__}.Matrix"}
    m = Matrix()
    assert spec.inputs[0].validate(m) is m
    with pytest.raises(ValueError, match="not a valid Matrix"):
        spec.inputs[0].validate(3)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"outputs": ["a", "a"]}, "duplicate output names"),
        ({"outputs": ["a", "b", "c"]}, "name 3 values but the return annotation has 2"),
        ({"outputs": ["not valid"]}, "not a valid identifier"),
        ({"id": "has space"}, "the id must start"),
        ({"executor": "gpu"}, "executor must be one of"),
    ],
)
def test_bad_decorator_arguments_fail_at_decoration(kwargs: dict[str, Any], message: str) -> None:
    def f(x: int) -> tuple[int, int]:
        return x, x

    with pytest.raises(DefinitionError, match=message):
        node(**kwargs)(f)


def test_async_function_cannot_ask_for_a_thread() -> None:
    async def f(x: int) -> int:
        return x

    with pytest.raises(DefinitionError, match="async functions run on the event loop"):
        node(executor="thread")(f)


def test_unresolvable_annotation_fails_at_decoration() -> None:
    def f(x: NoSuchType) -> int:  # type: ignore[name-defined]  # noqa: F821
        return 1

    with pytest.raises(DefinitionError, match="cannot resolve the type annotations"):
        node(f)


def test_star_args_cannot_be_inputs() -> None:
    def f(*values: int) -> int:
        return sum(values)

    with pytest.raises(DefinitionError, match=r"\*args and \*\*kwargs"):
        node(f)


def test_default_that_does_not_fit_the_type_fails_with_a_hint() -> None:
    def f(x: int = None) -> int:  # type: ignore[assignment]  # noqa: RUF013
        return 1

    with pytest.raises(DefinitionError, match=r"annotate it as int \| None"):
        node(f)


def test_context_cannot_cross_into_a_process() -> None:
    def f(ctx: NodeContext, x: int) -> int:
        return x

    with pytest.raises(DefinitionError, match="cannot cross into executor='process'"):
        node(executor="process")(f)


def test_non_function_is_refused() -> None:
    with pytest.raises(DefinitionError):
        spec_of(42)


def test_spec_to_dict_is_json_ready() -> None:
    import orjson

    @node(id="t.dict")
    def f(x: Annotated[float, Input(min=0)] = 1.5, obj: object = object()) -> float:
        return x

    data = spec_of(f).to_dict()
    orjson.dumps(data)
    assert data["inputs"][0]["default"] == 1.5
    assert "default_repr" in data["inputs"][1]
