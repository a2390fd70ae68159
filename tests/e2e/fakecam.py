"""Fake camera clips for browser tests.

Chromium can replace the camera with a video file
(``--use-file-for-fake-video-capture=/abs/path/clip.y4m``); the file is read
when the browser starts and looped forever.  This module writes such clips in
pure Python (``qrcode`` for the QR matrix, no numpy/Pillow needed):

* ``write_y4m(path, texts)`` -- each text becomes ``frames_per_code`` frames
  showing that text as a QR code.  An empty string (or ``None``) in ``texts``
  gives the same number of blank white frames, useful as a pause between two
  codes (e.g. so that a test can switch the network off before the next code
  shows up).
* ``write_blank_y4m(path)`` -- a white clip with no code at all.

Format: ``YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg`` header, then per frame
``FRAME\\n`` + Y plane (W*H bytes, the grey image) + U and V planes
((W/2)*(H/2) bytes each, all 128 = no colour).

Every QR module is drawn as the same whole number of pixels (nearest
neighbour, integer scale) and centred on white: uneven modules make some
decoders fail on synthetic frames.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import qrcode
from qrcode.constants import ERROR_CORRECT_M

WHITE = 255
BLACK = 0
FPS = 30

__all__ = ["write_y4m", "write_blank_y4m", "qr_luma_frame", "blank_luma_frame", "y4m_header"]


def y4m_header(width: int, height: int) -> bytes:
    return f"YUV4MPEG2 W{width} H{height} F{FPS}:1 Ip A1:1 C420jpeg\n".encode("ascii")


def _check_size(width: int, height: int) -> None:
    if width <= 0 or height <= 0 or width % 2 or height % 2:
        raise ValueError("width and height must be positive even numbers (4:2:0 chroma)")


def _qr_matrix(text: str, border: int = 4) -> list[list[bool]]:
    qr = qrcode.QRCode(error_correction=ERROR_CORRECT_M, box_size=1, border=border)
    qr.add_data(text)
    qr.make(fit=True)
    return qr.get_matrix()  # includes the quiet zone (border)


def blank_luma_frame(width: int = 640, height: int = 480) -> bytes:
    _check_size(width, height)
    return bytes([WHITE]) * (width * height)


def qr_luma_frame(text: str, width: int = 640, height: int = 480, fill: float = 0.8) -> bytes:
    """The Y plane (grey image) of one frame showing ``text`` as a QR code.

    The code (with its 4-module quiet zone) is scaled by the largest integer
    factor that keeps it within ``fill`` of the shorter side, then centred.
    """
    _check_size(width, height)
    matrix = _qr_matrix(text)
    n = len(matrix)
    scale = max(1, int(min(width, height) * fill) // n)
    if n * scale > min(width, height):
        raise ValueError(f"text too long for a {width}x{height} frame: {n} modules")
    size = n * scale
    left = (width - size) // 2
    top = (height - size) // 2

    white_row = bytes([WHITE]) * width
    out = bytearray()
    for _ in range(top):
        out += white_row
    for row in matrix:
        line = bytearray([WHITE]) * width
        x = left
        for dark in row:
            if dark:
                line[x : x + scale] = bytes([BLACK]) * scale
            x += scale
        line = bytes(line)
        for _ in range(scale):
            out += line
    for _ in range(height - top - size):
        out += white_row
    assert len(out) == width * height
    return bytes(out)


def _write_frames(path: str | os.PathLike, lumas: Iterable[tuple[bytes, int]], width: int, height: int) -> str:
    chroma = bytes([128]) * ((width // 2) * (height // 2))
    path = os.fspath(path)
    with open(path, "wb") as fh:
        fh.write(y4m_header(width, height))
        for luma, count in lumas:
            frame = b"FRAME\n" + luma + chroma + chroma
            for _ in range(count):
                fh.write(frame)
    return os.path.abspath(path)


def write_y4m(
    path: str | os.PathLike,
    texts: Sequence[str | None],
    width: int = 640,
    height: int = 480,
    frames_per_code: int = 30,
) -> str:
    """Write a Y4M clip showing each text as a QR code for ``frames_per_code`` frames.

    ``None`` or ``""`` entries produce blank (white) frames for the same
    duration.  Returns the absolute path (Chromium needs an absolute one).
    """
    _check_size(width, height)
    if not texts:
        raise ValueError("texts must not be empty")
    if frames_per_code < 1:
        raise ValueError("frames_per_code must be >= 1")
    blank = blank_luma_frame(width, height)
    cache: dict[str, bytes] = {}

    def lumas():
        for text in texts:
            if not text:
                yield blank, frames_per_code
                continue
            if text not in cache:
                cache[text] = qr_luma_frame(text, width, height)
            yield cache[text], frames_per_code

    return _write_frames(path, lumas(), width, height)


def write_blank_y4m(path: str | os.PathLike, width: int = 640, height: int = 480, frames: int = 30) -> str:
    """Write a white clip with no code (a camera that sees nothing)."""
    _check_size(width, height)
    return _write_frames(path, [(blank_luma_frame(width, height), frames)], width, height)


def read_y4m_luma(path: str | os.PathLike, index: int = 0) -> tuple[int, int, bytes]:
    """Return ``(width, height, Y plane)`` of frame ``index`` (for tests)."""
    with open(path, "rb") as fh:
        header = fh.readline().decode("ascii").split()
        if header[0] != "YUV4MPEG2":
            raise ValueError("not a Y4M file")
        width = int(next(t[1:] for t in header if t.startswith("W")))
        height = int(next(t[1:] for t in header if t.startswith("H")))
        frame_size = len(b"FRAME\n") + width * height + 2 * (width // 2) * (height // 2)
        fh.seek(index * frame_size, os.SEEK_CUR)
        frame = fh.read(frame_size)
    if len(frame) != frame_size or not frame.startswith(b"FRAME\n"):
        raise ValueError(f"no frame {index}")
    start = len(b"FRAME\n")
    return width, height, frame[start : start + width * height]
