#!/usr/bin/env python3
"""Regenerates the CaecImageIO test fixtures in this folder (deterministic; python3 standard library only,
plus cjpeg for the JPEG files and ImageMagick's `convert` for cmyk.jpg).

PNG files are written chunk by chunk with zlib and struct from seeded random samples. For every valid PNG the
script also writes `<name>.expected.ppm`: the 8-bit RGB pixels a correct reader must return, computed here from
the source samples (not by decoding the PNG), using the documented policy:
  - gray 1/2/4 bits expand to 8 by bit replication (v * 255 / (2^bits - 1)),
  - 16-bit samples scale to 8 with rounding, (v * 255 + 32767) // 65535,
  - alpha (or tRNS) composites over white: (c * a + 255 * (255 - a) + 127) // 255.
JPEG expectations come from `djpeg -pnm` at test time.

Names follow PngSuite: b=basic/t=transparency, a=non-interlaced n/interlaced i, colour type, bit depth.
Run: python3 Samples/imageio/make_fixtures.py  (from anywhere).
"""
import os
import random
import struct
import subprocess
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))
WIDTH, HEIGHT = 13, 11  # odd sizes: partial bytes at 1/2/4 bits and every Adam7 pass non-trivial
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
BACKGROUND = 255


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def ihdr(width, height, depth, color_type, interlace=0):
    return chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, color_type, 0, 0, interlace))


def pack_row(samples, depth):
    """Samples of one scanline (channels already interleaved) packed at `depth` bits, MSB first."""
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    if depth == 8:
        return bytes(samples)
    out, acc, bits = bytearray(), 0, 0
    for s in samples:
        acc = (acc << depth) | s
        bits += depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def raw_image(pixels, width, height, channels, depth, interlace):
    """Filter-type-0 scanlines, Adam7 passes in order when interlaced. pixels[y][x] is a tuple of samples."""
    out = bytearray()
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        xs, ys = list(range(x0, width, dx)), list(range(y0, height, dy))
        if not xs or not ys:
            continue
        for y in ys:
            samples = [s for x in xs for s in pixels[y][x]]
            out += b"\x00" + pack_row(samples, depth)
    return bytes(out)


def to8(value, depth):
    if depth == 16:
        return (value * 255 + 32767) // 65535
    return value * 255 // ((1 << depth) - 1)


def over(c, a):
    return (c * a + BACKGROUND * (255 - a) + 127) // 255


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def write_ppm(name, rgb_rows):
    height, width = len(rgb_rows), len(rgb_rows[0])
    body = bytes(v for row in rgb_rows for px in row for v in px)
    write(name, b"P6\n%d %d\n255\n" % (width, height) + body)


def png(color_type, depth, interlace=0, trns=False, seed=1):
    """(file bytes, expected RGB rows) for one colour type / depth."""
    rng = random.Random(seed * 1000 + color_type * 100 + depth * 2 + interlace)
    top = (1 << depth) - 1
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]
    pixels = [[tuple(rng.randint(0, top) for _ in range(channels)) for _ in range(WIDTH)] for _ in range(HEIGHT)]
    extra = b""
    if color_type == 3:
        entries = 1 << depth
        palette = [tuple(rng.randint(0, 255) for _ in range(3)) for _ in range(entries)]
        alphas = [rng.randint(0, 255) for _ in range(max(1, entries // 2))] if trns else []  # shorter than PLTE
        extra = chunk(b"PLTE", bytes(v for c in palette for v in c))
        if trns:
            alphas[0] = 0
            extra += chunk(b"tRNS", bytes(alphas))
    elif trns:
        key = pixels[HEIGHT // 2][WIDTH // 2]  # make sure the key colour occurs, more than once
        pixels[0][0] = key
        extra = chunk(b"tRNS", b"".join(struct.pack(">H", v) for v in key))

    def expected(px):
        if color_type == 3:
            r, g, b = palette[px[0]]
            a = alphas[px[0]] if px[0] < len(alphas) else 255
            return (over(r, a), over(g, a), over(b, a))
        if color_type in (0, 2) and trns and px == key:
            return (BACKGROUND,) * 3
        if color_type == 0:
            return (to8(px[0], depth),) * 3
        if color_type == 2:
            return tuple(to8(v, depth) for v in px)
        if color_type == 4:
            g, a = to8(px[0], depth), to8(px[1], depth)
            return (over(g, a),) * 3
        a = to8(px[3], depth)
        return tuple(over(to8(v, depth), a) for v in px[:3])

    raw = raw_image(pixels, WIDTH, HEIGHT, channels, depth, interlace)
    data = (b"\x89PNG\r\n\x1a\n" + ihdr(WIDTH, HEIGHT, depth, color_type, interlace) + extra
            + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))
    return data, [[expected(px) for px in row] for row in pixels]


VALID = {
    "basn0g01": (0, 1, 0, False), "basn0g02": (0, 2, 0, False), "basn0g04": (0, 4, 0, False),
    "basn0g08": (0, 8, 0, False), "basn0g16": (0, 16, 0, False),
    "basn4a08": (4, 8, 0, False), "basn4a16": (4, 16, 0, False),
    "basn3p01": (3, 1, 0, False), "basn3p04": (3, 4, 0, False), "basn3p08": (3, 8, 0, False),
    "tbbn3p08": (3, 8, 0, True),
    "basn2c08": (2, 8, 0, False), "basn2c16": (2, 16, 0, False),
    "basn6a08": (6, 8, 0, False), "basn6a16": (6, 16, 0, False),
    "tbbn0g04": (0, 4, 0, True), "tbrn2c08": (2, 8, 0, True), "tbgn2c16": (2, 16, 0, True),
    "basi0g01": (0, 1, 1, False), "basi2c08": (2, 8, 1, False), "basi3p02": (3, 2, 1, False),
    "basi6a16": (6, 16, 1, False),
}


def main():
    for name, (color_type, depth, interlace, trns) in VALID.items():
        data, rows = png(color_type, depth, interlace, trns)
        write(name + ".png", data)
        write_ppm(name + ".expected.ppm", rows)

    # Invalid and hostile PNGs.
    good, _ = png(2, 8)
    write("bad-truncated.png", good[: len(good) // 2])
    idat = good.index(b"IDAT")
    crc_at = idat + 4 + struct.unpack(">I", good[idat - 4:idat])[0]
    write("bad-crc-idat.png", good[:crc_at] + bytes([good[crc_at] ^ 0xFF]) + good[crc_at + 1:])
    # 100000 x 100000 RGB header with a 1-row IDAT: must be refused before any allocation.
    write("huge-100000x100000.png", b"\x89PNG\r\n\x1a\n" + ihdr(100000, 100000, 8, 2)
          + chunk(b"IDAT", zlib.compress(b"\x00" * 300001, 9)) + chunk(b"IEND", b""))
    # 4096 x 4096 RGB (48 MiB of pixels) declared, 1 KiB of IDAT: refused before the pixel buffer exists.
    write("bad-idat-4096x4096.png", b"\x89PNG\r\n\x1a\n" + ihdr(4096, 4096, 8, 2)
          + chunk(b"IDAT", bytes(random.Random(3).randrange(256) for _ in range(1024))) + chunk(b"IEND", b""))
    # 1x1 gray image whose IDAT inflates to 32 MiB instead of 2 bytes.
    write("bomb-idat.png", b"\x89PNG\r\n\x1a\n" + ihdr(1, 1, 8, 0)
          + chunk(b"IDAT", zlib.compress(b"\x00" * (32 << 20), 9)) + chunk(b"IEND", b""))
    # A valid 1x1 image behind a zTXt chunk that inflates to 32 MiB: the text must be skipped, not inflated.
    ztxt = b"Comment\x00\x00" + zlib.compress(b"A" * (32 << 20), 9)
    write("bomb-ztxt.png", b"\x89PNG\r\n\x1a\n" + ihdr(1, 1, 8, 0) + chunk(b"zTXt", ztxt)
          + chunk(b"IDAT", zlib.compress(b"\x00\x80", 9)) + chunk(b"IEND", b""))

    # JPEGs, from a smooth-plus-noise 37x29 picture (odd sizes: partial MCUs at 4:2:0).
    rng = random.Random(7)
    w, h = 37, 29
    rgb = [[(min(255, x * 7 + rng.randint(0, 20)), min(255, y * 8 + rng.randint(0, 20)),
             (x * y) % 256) for x in range(w)] for y in range(h)]
    write_ppm("source.ppm", rgb)
    source = os.path.join(HERE, "source.ppm")
    for name, flags in [("gray.jpg", ["-grayscale"]), ("ycc420.jpg", ["-sample", "2x2"]),
                        ("ycc444.jpg", ["-sample", "1x1"]), ("progressive.jpg", ["-progressive"])]:
        out = subprocess.run(["cjpeg", "-quality", "85", *flags, source], check=True, capture_output=True).stdout
        write(name, out)
    baseline = open(os.path.join(HERE, "ycc420.jpg"), "rb").read()
    write("bad-truncated.jpg", baseline[: len(baseline) * 6 // 10])
    sof = baseline.index(b"\xff\xc0")  # SOF0: FFC0 len(2) precision(1) height(2) width(2)
    write("sof-65000x65000.jpg", baseline[: sof + 5] + struct.pack(">HH", 65000, 65000) + baseline[sof + 9:])
    sos = baseline.index(b"\xff\xda")
    scan = sos + 2 + struct.unpack(">H", baseline[sos + 2:sos + 4])[0]
    # Sixteen 1-bits (two stuffed FF bytes) in the entropy-coded data: no Huffman code is all ones.
    damaged = bytearray(baseline)
    at = scan + 40
    while damaged[at - 1] == 0xFF:
        at += 1
    damaged[at:at + 4] = b"\xff\x00\xff\x00"
    write("bad-huffman.jpg", bytes(damaged))
    subprocess.run(["/usr/bin/convert", source, "-colorspace", "CMYK", "-quality", "85",
                    os.path.join(HERE, "cmyk.jpg")], check=True)
    # ImageMagick stores CMYK as YCCK (Adobe transform 2), inverted as Photoshop does. CMYK files whose every
    # sample is known are written by the tests themselves (JPEGWriter.encodeCMYK, Tests/.../CMYKReadingTests).
    ycck = open(os.path.join(HERE, "cmyk.jpg"), "rb").read()
    adobe = ycck.index(b"Adobe")
    assert ycck[adobe + 11] == 2, "expected an Adobe APP14 marker with transform 2 (YCCK)"
    os.remove(source)


if __name__ == "__main__":
    main()
