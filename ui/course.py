"""The path through the course: where a lesson sits, and what comes before and after it."""

from __future__ import annotations

import streamlit as st

from ui.lessons import LESSONS, available_lessons, lesson_for
from ui.page import kept_in_links
from ui.quiz import check_yourself

HOME = "pages/home.py"


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


def end_of_lesson(page: str, path: str) -> None:
    """Every lesson's last call: its questions, then where the student is and goes next."""
    check_yourself(page, path)
    lesson_path(path)
