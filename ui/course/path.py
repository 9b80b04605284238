"""The path through the course: where a lesson sits, what comes before and after it, and
the summary at its end (the lessons opened, each lesson's score, what to try next)."""

from __future__ import annotations

import streamlit as st

from ui.controls.input_picker import UPLOAD
from ui.course.lessons import LESSONS, Lesson, available_lessons, lesson_for
from ui.course.quiz import SCORE, check_yourself
from ui.links import kept_in_links

HOME = "pages/home.py"
OPENED = "_lessons_opened"
"""Session state: ``{lesson key: True}`` for every lesson opened in this session."""


def neighbours(path: str) -> tuple[str | None, str | None]:
    """The previous and next lessons that exist (``None``: home, before or after the course)."""
    here = [x.path for x in available_lessons()]
    k = here.index(path)
    return (here[k - 1] if k > 0 else None), (here[k + 1] if k + 1 < len(here) else None)


def lesson_path(path: str) -> None:
    """ "Lesson N of 9" and the ← previous / next → links, in lecture order."""
    lesson = lesson_for(path)
    number = LESSONS.index(lesson) + 1
    st.divider()
    st.markdown(f"**Lesson {number} of {len(LESSONS)}:** {lesson.title}")
    before, after = neighbours(path)
    left, right = st.columns(2)
    kept = kept_in_links()  # presentation mode goes with the student
    with left:
        if before is None:
            st.page_link(HOME, label="← previous: Home", icon=":material/home:", query_params=kept)
        else:
            st.page_link(before, label=f"← previous: {lesson_for(before).title}", query_params=kept)
    with right:
        if after is None:
            st.page_link(
                HOME,
                label="next → Home: the whole course",
                icon=":material/home:",
                query_params=kept,
            )
        else:
            st.page_link(after, label=f"next → {lesson_for(after).title}", query_params=kept)


def lesson_scores() -> dict[str, tuple[int, int]]:
    """Each lesson's ``(right, checked)`` over its questions checked in this session.

    ``ui.course.quiz`` keeps the latest grade of each question as ``"page:seed:question"``; a
    lesson's page key is its ``Lesson.key``.
    """
    scores: dict[str, tuple[int, int]] = {}
    for name, right in st.session_state.get(SCORE, {}).items():
        page = name.split(":", 1)[0]
        r, n = scores.get(page, (0, 0))
        scores[page] = (r + bool(right), n + 1)
    return scores


def _link(lesson: Lesson, label: str) -> None:
    st.page_link(lesson.path, label=label, icon=lesson.icon, query_params=kept_in_links())


def course_summary() -> None:
    """The end of the course: every lesson, opened or not, its score, and what to try next."""
    st.header("The end of the course: your summary", anchor="summary")
    scores = lesson_scores()
    opened = st.session_state.get(OPENED, {})
    rows = ["| Lesson | Opened | Check yourself |", "|---|---|---|"]
    for number, lesson in enumerate(LESSONS, start=1):
        right, checked = scores.get(lesson.key, (0, 0))
        score = f"{right} of {checked} right" if checked else "not checked"
        seen = "yes" if opened.get(lesson.key) else "not yet"
        rows.append(f"| {number}. {lesson.title} | {seen} | {score} |")
    total_right = sum(r for r, _ in scores.values())
    total = sum(n for _, n in scores.values())
    done = sum(bool(opened.get(x.key)) for x in LESSONS)
    st.markdown(
        f"You opened {done} of {len(LESSONS)} lessons"
        + (f" and got {total_right} of {total} questions right." if total else ".")
    )
    st.markdown("\n".join(rows))
    st.subheader("What to try next")
    lessons = available_lessons()
    wrong = [x for x in lessons if scores.get(x.key, (0, 0))[0] < scores.get(x.key, (0, 0))[1]]
    unchecked = [x for x in lessons if x.key not in scores]
    for lesson in wrong[:3]:
        right, checked = scores[lesson.key]
        _link(lesson, f"Go back to {lesson.title}: {checked - right} of {checked} wrong")
    for lesson in unchecked[:3]:
        verb = "Check yourself on" if opened.get(lesson.key) else "Open"
        _link(lesson, f"{verb} {lesson.title}: {lesson.blurb}")
    edge = lesson_for("pages/edge_detection.py")
    st.page_link(
        edge.path,
        label="Find the edges in a photo of your own (Edge detection, upload)",
        icon=":material/upload:",
        query_params={"input": UPLOAD, **(kept_in_links() or {})},
    )
    st.markdown(
        "- Press **New questions** at the end of any lesson: every set is new.\n"
        "- Train the network again with more filters or another learning rate, and compare "
        "the curves."
    )


def end_of_lesson(page: str, path: str) -> None:
    """Every lesson's last call: its questions, then where the student is and goes next.

    The last lesson ends the course with a summary before its links.
    """
    st.session_state.setdefault(OPENED, {})[lesson_for(path).key] = True
    check_yourself(page, path)
    if neighbours(path)[1] is None:
        course_summary()
    lesson_path(path)
