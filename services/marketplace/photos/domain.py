"""Photos of listings: an upload is an image of a kind browsers show, checked by decoding it whole; pure."""

import io
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from shared.errors import InvalidInput

FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}
LARGEST_SIDE = 8000


class NotAnImage(InvalidInput):
    """A photo is a JPEG, PNG or WebP image that decodes."""


class PhotoTooLarge(InvalidInput):
    """A photo is at most the configured size in bytes and in pixels, and at most 8000 pixels a side."""


@dataclass(frozen=True)
class CheckedImage:
    content_type: str
    width: int
    height: int


def checked(data: bytes, *, max_bytes: int, max_pixels: int) -> CheckedImage:
    """The image's type and size, after decoding it whole; whatever the client said the type was.

    The header gives the size before anything is decoded: an image of more than `max_pixels` is refused before
    its pixels take memory (a small file can hold a vast image of one colour)."""
    if len(data) > max_bytes:
        raise PhotoTooLarge(f"A photo is at most {max_bytes} bytes; this one is {len(data)}.", field="body")
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind, (width, height) = image.format, image.size
            if width > LARGEST_SIDE or height > LARGEST_SIDE:
                raise PhotoTooLarge(f"A photo is at most {LARGEST_SIDE} pixels a side.", field="body")
            if width * height > max_pixels:
                raise PhotoTooLarge(
                    f"A photo is at most {max_pixels} pixels; this one has {width * height}.", field="body"
                )
            image.load()  # decodes every pixel: a truncated or corrupt file fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise NotAnImage("The body is not a JPEG, PNG or WebP image.", field="body") from None
    if kind not in FORMATS:
        raise NotAnImage(f"A photo is JPEG, PNG or WebP, not {kind}.", field="body")
    return CheckedImage(FORMATS[kind], width, height)
