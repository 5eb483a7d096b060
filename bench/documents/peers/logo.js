'use strict';
// Draws the logo of Logo() in ../Program.cs (480 x 120, no anti-aliasing) as a PNG: node has no image library, and
// the PNG format needs only zlib and a CRC.
const fs = require('fs');
const zlib = require('zlib');

const width = 480;
const height = 120;
const pixels = Buffer.alloc(width * height * 3, 0xff);
const blue = [0x1f, 0x4e, 0x79];
const gold = [0xf2, 0xa9, 0x00];

function fill(inside, colour) {
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (inside(x + 0.5, y + 0.5)) {
        pixels.set(colour, (y * width + x) * 3);
      }
    }
  }
}

function roundRect(x0, y0, x1, y1, r) {
  return (x, y) => {
    if (x < x0 || x > x1 || y < y0 || y > y1) return false;
    const dx = Math.max(x0 + r - x, 0, x - (x1 - r));
    const dy = Math.max(y0 + r - y, 0, y - (y1 - r));
    return dx * dx + dy * dy <= r * r;
  };
}

fill(roundRect(0, 10, 100, 110, 18), blue);
fill((x, y) => (x - 50) ** 2 + (y - 60) ** 2 <= 28 * 28, gold);
for (let i = 0; i < 5; i++) fill(roundRect(130 + i * 66, 35, 180 + i * 66, 85, 0), blue);

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function chunk(type, data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  let crc = 0xffffffff;
  for (const b of body) crc = crcTable[(crc ^ b) & 0xff] ^ (crc >>> 8);
  const out = Buffer.alloc(body.length + 8);
  out.writeUInt32BE(data.length, 0);
  body.copy(out, 4);
  out.writeUInt32BE((crc ^ 0xffffffff) >>> 0, body.length + 4);
  return out;
}

const header = Buffer.alloc(13);
header.writeUInt32BE(width, 0);
header.writeUInt32BE(height, 4);
header.set([8, 2, 0, 0, 0], 8);
const rows = Buffer.concat(Array.from({ length: height },
  (_, y) => Buffer.concat([Buffer.of(0), pixels.subarray(y * width * 3, (y + 1) * width * 3)])));
fs.writeFileSync(process.argv[2], Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(rows, { level: 9 })), chunk('IEND', Buffer.alloc(0)),
]));
