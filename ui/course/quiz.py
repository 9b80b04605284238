"""Check yourself: a lesson's questions on the page, graded, with the session's score.

The contract that tests and assistive technology rely on: each question is a box
labelled with the question (a ``number_input`` for a whole number, a ``text_input`` for
a shape or a decimal, echoed as typed); a question's grids are drawn as small tables just
above its box; one button labelled exactly "Check" grades them all; a wrong or unreadable
answer gets an ``st.error`` with the working, ending "The answer is X.", a right one an
``st.success``; a blank box is not counted. The seed is the link's ``q`` (``ui.links``):
the same link asks the same questions. The answer key shows only to a teacher
(``teacher=1`` in the link), and never in presentation mode (the projector).
"""

from __future__ import annotations

import secrets

import streamlit as st

from ui.course.answers import Grid, Question, grade, plain
from ui.course.lessons import questions
from ui.figures.formulas import number

SCORE = "_quiz_score"
"""Session state: ``{"page:seed:question": right}``, the latest grade of each question."""
TEACHER = "_teacher"
"""Session state: True once a link said ``teacher=1`` (until one says ``teacher=0``)."""


def seed_key(page: str) -> str:
    return f"{page}_q"


def answer_key(page: str, seed: int, question: Question) -> str:
    return f"{page}_answer_{seed}_{question.key}"


def _check(page: str, seed: int, asked: list[Question]) -> None:
    graded = {}
    score = st.session_state.setdefault(SCORE, {})
    for q in asked:
        result = grade(q, st.session_state.get(answer_key(page, seed, q)))
        graded[q.key] = result
        if result.answered:
            score[f"{page}:{seed}:{q.key}"] = result.right
    st.session_state[f"_{page}_graded"] = (seed, graded)


def _new_questions(page: str, seed: int) -> None:
    new = seed
    while new == seed:
        new = secrets.randbelow(1_000_000)
    st.session_state[seed_key(page)] = new


def score_text() -> str:
    """``5 of 7 right``, over every question checked in this session."""
    score = st.session_state.get(SCORE, {})
    return f"{sum(score.values())} of {len(score)} right"


def remember_teacher() -> None:
    """``teacher=1`` in the link opens the answer keys for this session.

    Read here, at the top of every page (``setup_page`` calls ``show_score``), because a
    page rewrites its link from its controls and the parameter does not survive that.
    """
    flag = st.query_params.get("teacher")
    if flag in ("0", "1"):
        st.session_state[TEACHER] = flag == "1"


def show_score() -> None:
    """The session's score in the sidebar (called by ``setup_page``)."""
    remember_teacher()
    if st.session_state.get(SCORE):
        st.sidebar.markdown(f"**Check yourself:** {score_text()}")
    else:
        st.sidebar.caption("Check yourself: the questions at the end of each lesson.")


def grid_table(grid: Grid) -> str:
    """A small grid as a Markdown table, its rows and columns numbered from 0."""
    cols = len(grid[0])
    head = "| |" + "|".join(f" {c} " for c in range(cols)) + "|"
    rule = "|---:|" + "---:|" * cols
    rows = [
        f"| **{r}** |" + "|".join(f" {number(v)} " for v in row) + "|" for r, row in enumerate(grid)
    ]
    return "\n".join([head, rule, *rows])


def _grids(q: Question) -> None:
    columns = st.columns(max(len(q.grids), 2))
    for column, (name, grid) in zip(columns, q.grids, strict=False):
        column.markdown(f"**{name}** ({len(grid)}×{len(grid[0])})\n\n{grid_table(grid)}")


def _answer_box(page: str, seed: int, position: int, q: Question) -> None:
    label = f"{position}. {q.text}"
    key = answer_key(page, seed, q)
    if q.grids:
        _grids(q)
    if q.is_shape:
        st.text_input(
            label,
            key=key,
            placeholder="e.g. 4×4×2",
            max_chars=40,
            help="Type a shape with × or x between the sizes: 4×4×2, 4x4x2 or (4, 4, 2).",
        )
    elif q.decimals:
        st.text_input(
            label,
            key=key,
            placeholder="e.g. 3.75",
            max_chars=40,
            help="Type a number; decimals and a minus sign are fine (3.75, −0.5).",
        )
    else:
        st.number_input(
            label, value=None, step=1, key=key, help="Type a whole number (negative is fine)."
        )


def show_answer_key() -> bool:
    """Whether this session sees the answer key: a teacher's link, not on the projector."""
    return bool(st.session_state.get(TEACHER)) and not st.session_state.get("present")


def check_yourself(page: str, path: str) -> None:
    """The lesson's questions for the link's seed, a Check button, feedback and the key."""
    st.header("Check yourself", anchor="check-yourself")
    seed = int(st.session_state.get(seed_key(page)) or 0)
    asked = questions(path, seed)
    st.caption(
        f"Questions set {seed}: the same link always asks the same questions. Rows and "
        "columns count from 0."
    )
    saved_seed, graded = st.session_state.get(f"_{page}_graded", (None, {}))
    for position, q in enumerate(asked, start=1):
        _answer_box(page, seed, position, q)
        result = graded.get(q.key) if saved_seed == seed else None
        if result is not None:
            show = st.success if result.right else st.error if result.answered else st.info
            show(result.message)
    left, right = st.columns(2)
    left.button(
        "Check",
        key=f"{page}_check",
        type="primary",
        on_click=_check,
        args=(page, seed, asked),
        help="Grade every answer above; a wrong one shows how to work it out.",
        width="stretch",
    )
    right.button(
        "New questions",
        key=f"{page}_new_questions",
        on_click=_new_questions,
        args=(page, seed),
        help="Draw another set of questions (the page's link changes with it).",
        width="stretch",
    )
    if show_answer_key():
        with st.expander("Answer key (for the teacher)"):
            st.markdown(
                "\n".join(
                    f"{n}. {q.working}: **{plain(q.answer)}**" for n, q in enumerate(asked, 1)
                )
            )
