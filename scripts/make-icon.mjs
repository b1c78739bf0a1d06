// Draws the extension's marketplace icon (images/icon.png, 128×128 RGBA) with no dependency: a rounded
// square in a dark-to-teal gradient with a white "N" whose diagonal ends in a spark, antialiased by 4×4
// supersampling, written as a PNG with node:zlib. Run `node scripts/make-icon.mjs` to regenerate it.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const SIZE = 128;
const SAMPLES = 4;
const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const out = path.join(root, 'images', 'icon.png');

/** Distance from point p to segment a–b. */
function segmentDistance(px, py, ax, ay, bx, by) {
    const dx = bx - ax;
    const dy = by - ay;
    const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

function insideRoundedSquare(x, y) {
    const r = 26;
    const cx = Math.max(r, Math.min(SIZE - r, x));
    const cy = Math.max(r, Math.min(SIZE - r, y));
    return Math.hypot(x - cx, y - cy) <= r;
}

// The "N": two uprights and the diagonal, 14 px wide strokes with round caps.
const strokes = [
    [38, 36, 38, 92],
    [38, 36, 90, 92],
    [90, 36, 90, 92]
];
const STROKE = 7;

function insideLetter(x, y) {
    return strokes.some(([ax, ay, bx, by]) => segmentDistance(x, y, ax, ay, bx, by) <= STROKE);
}

// A four-pointed spark at the top right: an event firing.
function insideSpark(x, y) {
    const cx = 104;
    const cy = 22;
    const dx = Math.abs(x - cx);
    const dy = Math.abs(y - cy);
    return Math.sqrt(dx) + Math.sqrt(dy) <= Math.sqrt(11);
}

function background(y) {
    // #1b2b4b at the top to #11998e at the bottom.
    const t = y / SIZE;
    return [0x1b + (0x11 - 0x1b) * t, 0x2b + (0x99 - 0x2b) * t, 0x4b + (0x8e - 0x4b) * t];
}

const raw = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let y = 0; y < SIZE; y++) {
    const row = y * (SIZE * 4 + 1);
    raw[row] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
        let r = 0;
        let g = 0;
        let b = 0;
        let a = 0;
        for (let sy = 0; sy < SAMPLES; sy++) {
            for (let sx = 0; sx < SAMPLES; sx++) {
                const px = x + (sx + 0.5) / SAMPLES;
                const py = y + (sy + 0.5) / SAMPLES;
                if (!insideRoundedSquare(px, py)) continue;
                const color = insideLetter(px, py) ? [255, 255, 255] : insideSpark(px, py) ? [255, 196, 61] : background(py);
                r += color[0];
                g += color[1];
                b += color[2];
                a += 1;
            }
        }
        const i = row + 1 + x * 4;
        if (a > 0) {
            raw[i] = Math.round(r / a);
            raw[i + 1] = Math.round(g / a);
            raw[i + 2] = Math.round(b / a);
        }
        raw[i + 3] = Math.round((255 * a) / (SAMPLES * SAMPLES));
    }
}

const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
});

function crc32(buf) {
    let c = 0xffffffff;
    for (const byte of buf) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // colour type: RGBA
header[10] = 0; // compression
header[11] = 0; // filter
header[12] = 0; // no interlace

const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0))
]);
mkdirSync(path.dirname(out), { recursive: true });
writeFileSync(out, png);
console.log(`${path.relative(root, out)}: ${SIZE}×${SIZE}, ${png.length} bytes`);
