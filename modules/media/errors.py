"""The one error of the media library: the message is shown to the author next to the field."""


class MediaError(ValueError):
    """An upload or a deletion the library refuses; nothing was stored or removed."""
