"""What the certificates layer announces: higher layers and mail subscribe; issuance does not wait for them."""

from blinker import Namespace

_signals = Namespace()

#: sent inside the issuing transaction with ``certificate`` (already flushed, with its serial)
certificate_issued = _signals.signal("certificate-issued")
