"""What the quiz layer announces to the layers above it."""

from blinker import Namespace

signals = Namespace()

#: sent with (attempt) after an attempt is submitted and graded, by the trainee or the deadline
attempt_graded = signals.signal("attempt-graded")
#: sent with (question, regrade) after a question fix re-scored its attempts
question_regraded = signals.signal("question-regraded")
