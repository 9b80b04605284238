"""Check yourself: a lesson's questions on the page, graded, with the session's score.

The contract that tests and assistive technology rely on: each question is a
``number_input`` (or a ``text_input`` for a shape) labelled with the question; one
button labelled exactly "Check" grades them all; a wrong answer gets an ``st.error``
with the working and the answer, a right one an ``st.success``. The seed is the link's
``q`` (``ui.links``): the same link asks the same questions.
"""

from __future__ import annotations

import secrets

import streamlit as st

from ui.questions import Question, grade, plain, questions

SCORE = "_quiz_score"
"""Session state: ``{"page:seed:question": right}``, the latest grade of each question."""


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


def show_score() -> None:
    """The session's score in the sidebar (called by ``setup_page``)."""
    if st.session_state.get(SCORE):
        st.sidebar.markdown(f"**Check yourself:** {score_text()}")
    else:
        st.sidebar.caption("Check yourself: the questions at the end of each lesson.")


def _answer_box(page: str, seed: int, number: int, q: Question) -> None:
    label = f"{number}. {q.text}"
    key = answer_key(page, seed, q)
    if q.is_shape:
        st.text_input(
            label,
            key=key,
            placeholder="e.g. 4×4×2",
            help="Type a shape with × or x between the sizes: 4×4×2, 4x4x2 or 4 × 4 × 2.",
        )
    elif q.decimals:
        st.number_input(
            label,
            value=None,
            step=0.25,
            format="%.2f",
            key=key,
            help="Type a number; decimals are fine (3.75).",
        )
    else:
        st.number_input(
            label, value=None, step=1, key=key, help="Type a whole number (negative is fine)."
        )


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
    for number, q in enumerate(asked, start=1):
        _answer_box(page, seed, number, q)
        result = graded.get(q.key) if saved_seed == seed else None
        if result is not None:
            (st.success if result.right else st.error)(result.message)
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
    with st.expander("Answer key (for the teacher)"):
        st.markdown(
            "\n".join(f"{n}. {q.working}: **{plain(q.answer)}**" for n, q in enumerate(asked, 1))
        )
