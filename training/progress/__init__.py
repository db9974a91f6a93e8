"""Progress tracking across courses: dashboards, cohort views and practical sign-offs."""
