"""Opening a picture someone sent, safely: the bytes decide what it is, never its name or type.

Live quiz pictures and the papers' photos both go through `open_upright`: Pillow reads the
header first, so a huge image ("decompression bomb") is refused before any pixel is decoded; a
JPEG is decoded at a reduced scale when that is all we keep; the picture is turned upright as
the phone took it (EXIF orientation) before its metadata is dropped by the caller's re-encoding.
"""

import io
import warnings

from PIL import Image, ImageOps, UnidentifiedImageError

FORMATS = frozenset({"JPEG", "PNG", "WEBP", "GIF"})
MAX_SIDE_IN = 10_000  # pixels: larger is not a photo, and decoding it would cost too much
MAX_PIXELS_IN = 50_000_000


class NotAPicture(ValueError):
    """The bytes are not a JPEG, PNG, WebP or GIF picture (whatever the file's name says)."""


class TooManyPixels(ValueError):
    """A picture, but too large in pixels to decode."""


def open_upright(raw: bytes, keep_side: int) -> Image.Image:
    """The decoded picture, upright; keep_side is the largest side the caller will keep (a JPEG
    is decoded at the smallest scale that still gives at least twice that)."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw))
            if image.format not in FORMATS:
                raise NotAPicture
            width, height = image.size
            if max(width, height) > MAX_SIDE_IN or width * height > MAX_PIXELS_IN:
                raise TooManyPixels
            image.draft("RGB", (keep_side * 2, keep_side * 2))
            image.load()
            return ImageOps.exif_transpose(image)
    except (NotAPicture, TooManyPixels):
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise TooManyPixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        raise NotAPicture from None


def has_alpha(image: Image.Image) -> bool:
    return image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info


def pixels_only(image: Image.Image) -> Image.Image:
    """A copy holding the pixels alone: no EXIF (place, phone, date), XMP or ICC travels on."""
    clean = Image.new(image.mode, image.size)
    clean.paste(image)
    return clean
