"""Check-yourself questions: each lesson's own idea, drawn from a seed, worked out in words.

One generator per kind of question, in ``sizes``, ``cells`` and ``learning``; which ones a
lesson asks is in its record (``ui.course.lessons``). Pure (no Streamlit), so tests can
draw the same questions a page shows. An answer comes from ``cnn_core`` where the engine
owns the formula; ``working`` lays it out with the question's numbers, the way a wrong
answer is corrected (``ui.course.answers`` grades).

Draws are balanced so that guessing does not pay: the ReLU answer is 0 about a third of
the time, a max-pooled cell is any of 1–9 alike, a stride walk takes 4, 9, 16, 25 or 36
positions alike. Questions are seeded by the link's ``q`` and the lesson's own key, so
adding or reordering lessons never changes another lesson's questions.
"""
