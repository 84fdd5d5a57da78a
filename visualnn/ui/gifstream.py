"""An animated GIF written one frame at a time: each frame is on disk as soon as it is
made, so a 19,000-frame export needs the memory of one frame, not of all of them.

Pillow encodes each frame as a one-frame GIF (its LZW coder); its palette becomes the
frame's local colour table, and the frames follow one header that loops forever.
"""
from __future__ import annotations

import io
import struct
from typing import BinaryIO

LOOP_FOREVER = b"\x21\xff\x0bNETSCAPE2.0\x03\x01\x00\x00\x00"


class GifStream:
    """``add(image, seconds)`` appends a frame (a Pillow image in mode "P"); ``close()``
    ends the file. ``out`` is an open binary file."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.frames = 0

    def add(self, image, seconds: float) -> None:
        buf = io.BytesIO()
        image.save(buf, format="GIF")
        data = buf.getvalue()
        width, height, packed = struct.unpack_from("<HHB", data, 6)
        table = 3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0
        palette, i = data[13:13 + table], 13 + table
        while data[i] == 0x21:                             # extensions Pillow wrote: ours replace them
            i += 2
            while data[i]:
                i += data[i] + 1
            i += 1
        if data[i] != 0x2C:
            raise ValueError("not a GIF image descriptor")
        descriptor, i = bytearray(data[i:i + 10]), i + 10
        if not descriptor[9] & 0x80 and palette:           # the global table becomes the frame's own
            descriptor[9] = (descriptor[9] & 0x40) | 0x80 | (packed & 7)
        if self.frames == 0:
            self.out.write(b"GIF89a" + struct.pack("<HHBBB", width, height, 0x70, 0, 0) + LOOP_FOREVER)
        delay = max(2, round(seconds * 100))               # hundredths of a second
        self.out.write(b"\x21\xf9\x04\x04" + struct.pack("<H", delay) + b"\x00\x00")
        self.out.write(bytes(descriptor) + (palette if not data[i - 1] & 0x80 else b""))
        self.out.write(data[i:data.rindex(b"\x3b")])       # the LZW data, up to the trailer
        self.out.flush()                                   # on disk now, not when the export ends
        self.frames += 1

    def close(self) -> None:
        self.out.write(b"\x3b")
        self.out.flush()
