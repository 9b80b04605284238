"""bench/virtual_class.py's students, against a real server: they see what the page shows.

The figures live in the benchmark; this keeps its protocol client honest (a move on
Padding gives the output size the page then writes, a different value another) and
working (a few students for a few seconds: every move answered, no error).
"""

from __future__ import annotations

import asyncio
import time

import pytest

from bench.server import app_process
from bench.student import Student
from bench.virtual_class import keep_moving, open_class

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def url():
    with app_process() as (base, _):
        yield base


def output_size(s: Student) -> str:
    line = next(t for t in s.text().splitlines() if t.startswith("**Output size"))
    return line.split('class="convlab-formula">')[1].removesuffix("</div>")


def test_a_move_on_padding_gives_the_output_size_the_page_writes(url):
    async def run():
        s = Student(url)
        await s.open("padding", "n=6&f=3&mode=same")
        assert output_size(s) == "6 + 2·1 − 3 + 1 = 6"
        # A server's first visitor by a deep link reruns once (ui.page): not a move's run.
        opened = s.thrown_away
        n = s.first_control()
        assert (n.kind, n.proto.label, n.value) == ("slider", "Image size n", [6.0])
        await s.move(n, +1)
        await s.settled()
        assert output_size(s) == "7 + 2·1 − 3 + 1 = 7"
        assert "n=7" in s.query  # the link the page wrote
        n.value = [10.0]  # another value: another size
        await s.move(n, -1)
        await s.settled()
        assert output_size(s) == "9 + 2·1 − 3 + 1 = 9"
        assert s.errors == [] and s.thrown_away == opened
        assert all(m.latency is not None and m.bytes > 0 for m in s.moves)
        await s.close()

    asyncio.run(run())


def test_five_students_moving_for_a_few_seconds_are_all_answered(url):
    async def run():
        students = await open_class(url, 5, "padding", within=1)
        until = time.monotonic() + 4
        await asyncio.gather(*(keep_moving(s, until, pace=0.5) for s in students))
        for s in students:
            await s.settled()
        moves = [m for s in students for m in s.moves]
        assert len(moves) >= 5 * 4
        assert all(m.latency is not None for m in moves)
        assert [s.errors for s in students] == [[]] * 5
        sizes = {output_size(s) for s in students}
        assert all(size.endswith(f"= {size.split(' ')[0]}") for size in sizes)  # same: n out
        await asyncio.gather(*(s.close() for s in students))

    asyncio.run(run())
