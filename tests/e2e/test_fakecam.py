"""The fake-camera clip writer produces frames that a real QR decoder reads."""

import importlib.util
import os
import pathlib

import pytest

zxingcpp = pytest.importorskip("zxingcpp")
Image = pytest.importorskip("PIL.Image")


def _load_fakecam():
    # Loaded by path so the test works whether or not tests/ is a package.
    path = pathlib.Path(__file__).with_name("fakecam.py")
    spec = importlib.util.spec_from_file_location("_fakecam_under_test", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fakecam = _load_fakecam()

TICKET_URL = "http://127.0.0.1:5000/t/Zq3x9Lk2Pw7mNa4Rt8Yv1Bc6"


def _decode(width, height, luma):
    img = Image.frombytes("L", (width, height), luma)
    return [r.text for r in zxingcpp.read_barcodes(img)]


def test_header_and_size(tmp_path):
    clip = fakecam.write_y4m(tmp_path / "one.y4m", ["abc"], frames_per_code=3)
    assert os.path.isabs(clip)
    data = pathlib.Path(clip).read_bytes()
    header = b"YUV4MPEG2 W640 H480 F30:1 Ip A1:1 C420jpeg\n"
    assert data.startswith(header)
    frame = 6 + 640 * 480 + 2 * 320 * 240
    assert len(data) == len(header) + 3 * frame
    # chroma planes are neutral grey
    first = data[len(header) : len(header) + frame]
    assert first.startswith(b"FRAME\n")
    assert set(first[6 + 640 * 480 :]) == {128}


def test_first_frame_round_trips(tmp_path):
    clip = fakecam.write_y4m(tmp_path / "qr.y4m", [TICKET_URL, "token-2"], frames_per_code=2)
    w, h, luma = fakecam.read_y4m_luma(clip, 0)
    assert (w, h) == (640, 480)
    assert set(luma) == {0, 255}  # pure black modules on white, no blur
    assert _decode(w, h, luma) == [TICKET_URL]
    # the second code starts after frames_per_code frames
    assert _decode(*fakecam.read_y4m_luma(clip, 2)) == ["token-2"]


def test_blank_segments_and_blank_clip(tmp_path):
    clip = fakecam.write_y4m(tmp_path / "gap.y4m", ["", "after-gap"], frames_per_code=1)
    assert _decode(*fakecam.read_y4m_luma(clip, 0)) == []
    assert _decode(*fakecam.read_y4m_luma(clip, 1)) == ["after-gap"]

    blank = fakecam.write_blank_y4m(tmp_path / "blank.y4m")
    w, h, luma = fakecam.read_y4m_luma(blank, 0)
    assert set(luma) == {255}
    assert _decode(w, h, luma) == []


def test_other_even_sizes(tmp_path):
    clip = fakecam.write_y4m(tmp_path / "small.y4m", ["kecil"], width=320, height=240, frames_per_code=1)
    assert _decode(*fakecam.read_y4m_luma(clip, 0)) == ["kecil"]
    with pytest.raises(ValueError):
        fakecam.write_y4m(tmp_path / "odd.y4m", ["x"], width=321, height=240)
