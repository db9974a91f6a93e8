"""Questions, quizzes, attempts, grading, GIFT import/export and item statistics."""
