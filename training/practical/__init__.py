"""The in-person practical: workshops with seats and a waitlist, attendance, the rubric, supervised sessions."""
