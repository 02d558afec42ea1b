"""What a sent file becomes before it is sealed: checked by its content, made smaller, cleaned.

- A photo (JPEG, PNG, WebP, GIF by their bytes, whatever the name or type header says):
  turned upright, at most LONGEST_SIDE pixels, re-encoded as a JPEG without any metadata
  (EXIF holds the place and the phone). JPEG rather than WebP: a trainee downloads a paper to
  send it to an administration, and French public portals take JPEG and PDF, not always WebP.
- A PDF (its bytes start with %PDF- and pypdf reads every page): rewritten page by page, so
  the document's scripts, open actions, attachments and metadata (author, software) stay
  behind, with its streams compressed. A PDF locked by a password is refused: we could not
  check it, and the trainee could not open it in the app.
- A thumbnail (WebP, THUMB_SIDE pixels) of a photo, or of the first picture inside a PDF's
  first page (a scan); a PDF without one gets a pictogram in the page instead.

Pure functions of bytes, tested without a request.
"""

import io
import logging
from dataclasses import dataclass

from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

from webapp.core import pictures
from webapp.core.i18n import lazy_gettext as _l
from webapp.core.i18n import lazy_ngettext

MAX_UPLOAD_BYTES = 10 * 1024 * 1024  # a phone's photo or a scan; beyond: a message on the field
UPLOAD_REQUEST_BYTES = MAX_UPLOAD_BYTES + 512 * 1024  # the whole form with its file
LONGEST_SIDE = 1600  # pixels: an ID card's smallest print stays readable
JPEG_QUALITY = 82
THUMB_SIDE = 240
MAX_PAGES = 40

# pypdf says what it repaired in a damaged file through logging; none of it is ours to keep.
logging.getLogger("pypdf").setLevel(logging.ERROR)


class Refused(ValueError):
    """A file we do not keep; str() is the reason's key in REFUSALS."""


REFUSALS = {
    "empty": _l("Choose a photo or a PDF file."),
    "too_big": _l(
        "This file is too large: at most %(size)d MB. Take a new photo, or send a smaller PDF.",
        size=MAX_UPLOAD_BYTES // 1048576,
    ),
    "not_document": _l("This file is not a photo or a PDF. Send a photo (JPEG, PNG) or a PDF."),
    "dimensions": _l("This picture is too large in pixels. Take a new photo."),
    "locked": _l("This PDF is locked by a password. Send it without the password."),
    "pages": lazy_ngettext(
        "This PDF has too many pages: at most %(num)d page.",
        "This PDF has too many pages: at most %(num)d pages.",
        MAX_PAGES,
    ),
}


@dataclass(frozen=True)
class Prepared:
    data: bytes
    media_type: str
    thumb: bytes | None
    pages: int | None = None


def prepare(raw: bytes) -> Prepared:
    """The file to keep, or Refused with the reason."""
    if not raw:
        raise Refused("empty")
    if len(raw) > MAX_UPLOAD_BYTES:
        raise Refused("too_big")
    if raw.lstrip()[:5] == b"%PDF-":
        return _pdf(raw)
    try:
        image = pictures.open_upright(raw, LONGEST_SIDE)
    except pictures.TooManyPixels:
        raise Refused("dimensions") from None
    except pictures.NotAPicture:
        raise Refused("not_document") from None
    return Prepared(_jpeg(image), "image/jpeg", thumbnail(image))


def _flat(image: Image.Image) -> Image.Image:
    """RGB, a transparent background made white (a JPEG has no transparency)."""
    if pictures.has_alpha(image):
        rgba = image.convert("RGBA")
        white = Image.new("RGB", rgba.size, "white")
        white.paste(rgba, mask=rgba.getchannel("A"))
        return white
    return image.convert("RGB")


def _jpeg(image: Image.Image) -> bytes:
    image = _flat(image)
    image.thumbnail((LONGEST_SIDE, LONGEST_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    pictures.pixels_only(image).save(
        out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True
    )
    return out.getvalue()


def thumbnail(image: Image.Image) -> bytes:
    small = _flat(image)
    small.thumbnail((THUMB_SIDE, THUMB_SIDE), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    pictures.pixels_only(small).save(out, "WEBP", quality=60)
    return out.getvalue()


def _pdf(raw: bytes) -> Prepared:
    try:
        reader = PdfReader(io.BytesIO(raw))
        if reader.is_encrypted and not reader.decrypt(""):
            raise Refused("locked")
        count = len(reader.pages)
        if count == 0:
            raise Refused("not_document")
        if count > MAX_PAGES:
            raise Refused("pages")
        writer = PdfWriter()
        for page in reader.pages:
            writer.add_page(page)
        for page in writer.pages:
            page.pop("/AA", None)  # the page's own actions (scripts on open or close)
            page.compress_content_streams()
        writer.remove_links()  # a link may run a script or open an address
        writer.compress_identical_objects()
        out = io.BytesIO()
        writer.write(out)
        thumb = _first_picture(reader)
    except Refused:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, OSError, RecursionError):
        raise Refused("not_document") from None
    return Prepared(out.getvalue(), "application/pdf", thumb, count)


def _first_picture(reader: PdfReader) -> bytes | None:
    """A thumbnail of the largest picture on the first page (a scan's page), if it has one."""
    try:
        images = list(reader.pages[0].images)
        if not images:
            return None
        largest = max(images, key=lambda i: len(i.data))
        return thumbnail(pictures.open_upright(largest.data, THUMB_SIDE))
    except Exception:  # a picture Pillow cannot read: the pictogram will do
        return None
