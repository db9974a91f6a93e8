"""Signals the content layer sends; higher layers (progress, certificates) subscribe."""

from blinker import Namespace

signals = Namespace()

#: sent with (user, lesson) after a lesson is first marked complete
lesson_completed = signals.signal("lesson-completed")
