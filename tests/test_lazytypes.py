"""Port types named without importing their library, and inputs whose choices follow another."""

from __future__ import annotations

import subprocess
import sys
from typing import Annotated

import pytest

from nodeweave import Input, node
from nodeweave.core.errors import DefinitionError, InvalidValueError
from nodeweave.core.lazytypes import DataFrame, NDArray, lazy_type
from nodeweave.core.schema import compatible
from nodeweave.core.spec import spec_of


def test_defining_a_node_with_lazy_types_imports_nothing_heavy() -> None:
    code = (
        "import sys\n"
        "from nodeweave import node\n"
        "from nodeweave.core.lazytypes import DataFrame, NDArray, PlotlyFigure\n"
        "@node(id='t.f')\n"
        "def f(t: DataFrame, a: NDArray | None = None) -> PlotlyFigure: ...\n"
        "print(sorted({'pandas', 'numpy', 'plotly'} & set(sys.modules)))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=30
    )
    assert out.stdout.strip() == "[]"


def test_a_lazy_port_describes_itself_by_the_real_name() -> None:
    @node(id="t.head")
    def head(table: DataFrame, n: int = 5) -> DataFrame:
        return table

    spec = spec_of(head)
    assert spec.inputs[0].type_name == "DataFrame"
    assert spec.inputs[0].schema == {"x-python-type": "pandas.DataFrame"}
    assert spec.outputs[0].schema == {"x-python-type": "pandas.DataFrame"}


def test_a_lazy_port_validates_values_against_the_real_class() -> None:
    pd = pytest.importorskip("pandas")

    @node(id="t.rows")
    def rows(table: DataFrame) -> int:
        return len(table)

    validate = spec_of(rows).inputs[0].validate
    frame = pd.DataFrame({"a": [1, 2]})
    assert validate(frame) is frame
    with pytest.raises(InvalidValueError, match=r"expected a pandas\.DataFrame, got list"):
        validate([1, 2])


def test_instance_checks_never_import_and_are_false_before_the_library_is() -> None:
    missing = lazy_type("nodeweave_no_such_library", "Thing")
    assert not isinstance(object(), missing)
    assert "nodeweave_no_such_library" not in sys.modules
    assert missing.resolve() is None


def test_lazy_types_connect_to_themselves_and_to_the_real_class() -> None:
    pd = pytest.importorskip("pandas")
    assert compatible(DataFrame, DataFrame)
    assert compatible(DataFrame, pd.DataFrame)
    assert compatible(pd.DataFrame, DataFrame)
    assert compatible(DataFrame, DataFrame | None)
    assert compatible(DataFrame, object)
    assert not compatible(DataFrame, int)
    assert not compatible(str, DataFrame)
    assert not compatible(DataFrame, NDArray)


def test_a_type_of_a_library_not_imported_yet_connects_leniently() -> None:
    missing = lazy_type("nodeweave_no_such_library", "Thing")
    assert compatible(missing, int)  # cannot tell yet: the run decides
    assert compatible(int, missing)
    assert compatible(missing, missing)
    assert not compatible(missing, lazy_type("nodeweave_no_such_library", "Other"))


def test_options_from_is_in_the_schema_and_the_spec() -> None:
    @node(id="t.pick")
    def pick(table: DataFrame, column: Annotated[str, Input(options_from="table")] = "") -> str:
        return column

    column = spec_of(pick).inputs[1]
    assert column.options_from == "table"
    assert column.schema["x-options-from"] == "table"


@pytest.mark.parametrize("source", ["nope", "column"])
def test_options_from_must_name_another_input(source: str) -> None:
    def bad(table: DataFrame, column: str = "") -> str:
        return column

    bad.__annotations__["column"] = Annotated[str, Input(options_from=source)]
    with pytest.raises(DefinitionError, match="must name another input"):
        node(id="t.bad")(bad)
