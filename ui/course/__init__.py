"""The course: the lessons in order, the path through them, questions and their grading."""
