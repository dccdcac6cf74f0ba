# Tiles landscape Kodak images into one 3840x4096 PNG (15.7 Mpx) for the --effort memory check. Not committed.
import zlib, struct, numpy as np, glob
def read_png(path):
    data = open(path, 'rb').read(); pos = 8; idat = b''
    while pos < len(data):
        n, kind = struct.unpack('>I4s', data[pos:pos+8]); body = data[pos+8:pos+8+n]; pos += 12 + n
        if kind == b'IHDR': w, h, depth, ctype, _, _, interlace = struct.unpack('>IIBBBBB', body)
        elif kind == b'IDAT': idat += body
    assert depth == 8 and ctype == 2 and interlace == 0
    raw = np.frombuffer(zlib.decompress(idat), np.uint8).reshape(h, 1 + 3 * w)
    out = np.zeros((h, 3 * w), np.int32); bpp = 3
    for y in range(h):
        f = raw[y, 0]; line = raw[y, 1:].astype(np.int32); prev = out[y-1] if y else np.zeros(3*w, np.int32)
        if f == 0: cur = line
        elif f == 2: cur = (line + prev) & 255
        else:
            cur = np.zeros(3*w, np.int32)
            for x in range(3*w):
                a = cur[x-bpp] if x >= bpp else 0; b = prev[x]; c = prev[x-bpp] if x >= bpp else 0
                if f == 1: p = a
                elif f == 3: p = (a + b) // 2
                else:
                    pa, pb, pc = abs(b - c), abs(a - c), abs(a + b - 2*c)
                    p = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                cur[x] = (line[x] + p) & 255
        out[y] = cur
    return out.reshape(h, w, 3).astype(np.uint8)
def write_png(path, img):
    h, w, _ = img.shape
    raw = b''.join(b'\0' + img[y].tobytes() for y in range(h))
    chunk = lambda k, b: struct.pack('>I', len(b)) + k + b + struct.pack('>I', zlib.crc32(k + b) & 0xffffffff)
    open(path, 'wb').write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
                           + chunk(b'IDAT', zlib.compress(raw, 6)) + chunk(b'IEND', b''))
imgs = [read_png(p) for p in ['/work/shared/data/kodak/kodim%02d.png' % i for i in (1, 5, 13, 21)]]
rows = [np.concatenate([imgs[(r + c) % 4] for c in range(5)], axis=1) for r in range(8)]
write_png('/tmp/eff/big/kodak-16mpx.png', np.concatenate(rows, axis=0))
