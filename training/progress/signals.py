"""What the progress layer announces to the layers above it (certificates)."""

from blinker import Namespace

signals = Namespace()

#: sent with (signoff) after an instructor's practical sign-off is recorded and flushed
signoff_recorded = signals.signal("signoff-recorded")
