"""Courses, modules and lessons: the content model, delivery to trainees, and authoring."""
