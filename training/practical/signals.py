"""What the practical layer announces to the layers above it (progress, certificates, notices)."""

from blinker import Namespace

signals = Namespace()

#: sent with (seat) after a waiting trainee was given a confirmed seat (flushed, not committed)
seat_promoted = signals.signal("practical-seat-promoted")
#: sent with (user_id, course_id) after anything that can change completion of the practical:
#: attendance recorded or corrected, a skill assessed, a supervised session countersigned
practical_changed = signals.signal("practical-changed")
#: sent with (log) after a supervisor countersigned or rejected a supervised session
supervised_decided = signals.signal("practical-supervised-decided")
