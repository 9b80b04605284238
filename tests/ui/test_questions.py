"""Check-yourself questions: every answer against an independent solution read off the text.

``solve`` reads only the question a student sees and works the answer out in plain
Python (loops, integer division), never through cnn_core, so a wrong engine call, a
question that leaves out a number or a mislabelled one all fail here.
"""

from __future__ import annotations

import re

import pytest

from ui.questions import TOPICS, Question, grade, parse_shape, plain, questions

SEEDS = [0, 1, 2, 7, 42, 999_999]
NUM = r"(−?[\d,]+)"


def _int(text: str) -> int:
    return int(text.replace("−", "-").replace(",", ""))


def _grid(text: str) -> list[list[int]]:
    return [[_int(v) for v in row.split()] for row in text.split(" / ")]


def _cell(x: list[list[int]], w: list[list[int]], i: int, j: int) -> int:
    f = len(w)
    return sum(x[i + r][j + c] * w[r][c] for r in range(f) for c in range(f))


def solve(text: str):
    """The answer to a question, from its words alone."""
    if m := re.search(
        rf"A {NUM}×\1 input, a {NUM}×\2 filter, padding p = {NUM} and stride s = {NUM}", text
    ):
        n, f, p, s = map(_int, m.groups())
        return (n + 2 * p - f) // s + 1
    if m := re.search(rf"A {NUM}×\1 window with stride s = {NUM} .* a {NUM}×\3 image", text):
        f, s, n = map(_int, m.groups())
        return ((n - f) // s + 1) ** 2
    if m := re.search(rf"rings of zeros p keep a {NUM}×\1 filter", text):
        return (_int(m[1]) - 1) // 2
    if m := re.search(
        r"Input rows ([\d −/]+); .* filter rows ([\d −/]+)\. .*\((\d), (\d)\)\?", text
    ):
        return _cell(_grid(m[1]), _grid(m[2]), int(m[3]), int(m[4]))
    if m := re.search(rf"has {NUM} filters of {NUM}×\2×{NUM}", text):
        n_f, f, n_c = map(_int, m.groups())
        return (f * f * n_c + 1) * n_f
    if m := re.search(rf"a {NUM}×\1×3 colour image give when it is flattened", text):
        return _int(m[1]) ** 2 * 3
    if m := re.search(rf"flattened {NUM}×\1×3 image to {NUM} dense units", text):
        return _int(m[1]) ** 2 * 3 * _int(m[2])
    if m := re.search(r"Input rows ([\d /]+)\. .* (max|average) pooling .* \((\d), (\d)\)\?", text):
        x, mode, i, j = _grid(m[1]), m[2], int(m[3]), int(m[4])
        window = [x[2 * i + r][2 * j + c] for r in range(2) for c in range(2)]
        return max(window) if mode == "max" else sum(window) / 4
    if m := re.search(
        rf"A {NUM}×\1×{NUM} volume goes through max pooling with f = (\d), s = (\d)", text
    ):
        n, n_c, f, s = map(_int, m.groups())
        side = (n - f) // s + 1
        return (side, side, n_c)
    if m := re.search(
        rf"A {NUM}×\1×{NUM} input, {NUM} filters? {NUM}×\4×\2, padding p = {NUM}, stride s = {NUM}",
        text,
    ):
        n, n_c, n_f, f, p, s = map(_int, m.groups())
        side = (n + 2 * p - f) // s + 1
        return (side, side, n_f)
    if m := re.search(rf"one output number of a {NUM}×\1×{NUM} filter", text):
        return _int(m[1]) ** 2 * _int(m[2])
    if m := re.search(
        rf"window with rows ([\d /]+), a filter with rows ([\d −/]+) and bias b = {NUM}", text
    ):
        z = _cell(_grid(m[1]), _grid(m[2]), 0, 0) + _int(m[3])
        return max(0, z)
    raise AssertionError(f"no independent solution for: {text}")


def all_questions() -> list[tuple[str, int, Question]]:
    return [(path, seed, q) for path in TOPICS for seed in SEEDS for q in questions(path, seed)]


@pytest.mark.parametrize("path", sorted(TOPICS))
def test_every_lesson_asks_at_least_three_questions_ending_with_a_question_mark(path):
    asked = questions(path, 0)
    assert len(asked) >= 3
    assert len({q.key for q in asked}) == len(asked)
    assert all(q.text.endswith("?") for q in asked)


def test_every_answer_equals_an_independent_computation():
    for path, seed, q in all_questions():
        want = solve(q.text)
        if isinstance(want, tuple):
            assert q.answer == want, (path, seed, q.text)
        else:
            assert q.answer == pytest.approx(want), (path, seed, q.text)


def test_the_same_seed_asks_the_same_questions_and_another_seed_others():
    for path in TOPICS:
        assert questions(path, 3) == questions(path, 3)
        assert [q.text for q in questions(path, 3)] != [q.text for q in questions(path, 4)]


def test_the_stride_lesson_always_asks_a_floor_case():
    for seed in SEEDS:
        q = next(q for q in questions("pages/stride.py", seed) if q.key == "floor")
        n, f, p, s = map(int, re.findall(r"A (\d+)×.*a (\d+)×.*p = (\d+) .* s = (\d+)", q.text)[0])
        assert (n + 2 * p - f) % s, q.text
        assert "⌋ + 1 = ⌊" in q.working  # the working shows the floor being taken


def test_working_ends_with_the_answer():
    for _path, _seed, q in all_questions():
        tail = q.working.rsplit("=", 1)[-1].strip().replace("−", "-").replace(",", "")
        if q.is_shape:
            assert q.working.endswith(f": {plain(q.answer)}"), q.working
        else:
            assert float(tail) == pytest.approx(float(q.answer)), q.working


@pytest.mark.parametrize("text", ["4x4x2", "4×4×2", "4 × 4 × 2", " 4 x 4 x 2 ", "(4, 4, 2)"])
def test_a_shape_is_read_in_every_spelling(text):
    assert parse_shape(text) == (4, 4, 2)


@pytest.mark.parametrize("text", ["", "4×4×", "four by four", "4.5×4×2", "−4×4×2"])
def test_a_malformed_shape_is_refused(text):
    with pytest.raises(ValueError):
        parse_shape(text)


def test_answers_are_stated_as_plain_numbers_and_shapes():
    assert plain(3) == "3"
    assert plain(-5) == "−5"
    assert plain(3.75) == "3.75"
    assert plain(14_450_688) == "14,450,688"
    assert plain((4, 4, 2)) == "4×4×2"


def test_a_wrong_answer_is_refused_with_the_working_and_the_answer():
    q = Question("floor", "size?", 3, "⌊(7 + 2·0 − 3)/2⌋ + 1 = ⌊4/2⌋ + 1 = 3")
    result = grade(q, 4)
    assert not result.right
    assert "⌊(7 + 2·0 − 3)/2⌋ + 1" in result.message and result.message.endswith("answer is 3.")
    assert grade(q, 3).right and grade(q, 3.0).right
    assert not grade(q, None).right and "answer is 3." in grade(q, None).message


def test_a_shape_answer_is_graded_in_every_spelling_and_refused_when_malformed():
    q = Question("volume", "shape?", (4, 4, 2), "6 − 3 + 1 = 4, one channel per filter")
    for text in ("4x4x2", "4×4×2", "4 × 4 × 2"):
        assert grade(q, text).right
    wrong = grade(q, "4×4")
    assert not wrong.right and wrong.message.endswith("The answer is 4×4×2.")
    malformed = grade(q, "four")
    assert not malformed.right and "not a shape like 4×4×2" in malformed.message
    assert malformed.message.endswith("The answer is 4×4×2.")
