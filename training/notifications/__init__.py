"""Mail and background work: the outbox, its sender, mail templates and the job runner.

Other features queue mail with :func:`training.notifications.services.queue_email` and add
scheduled work with :func:`training.notifications.jobs.register_periodic_job`.
"""
