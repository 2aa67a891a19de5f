/**
 * Draws the app's PNG icons (the favicon's three linked steps) into public/icons/: 192 and 512 px,
 * and a 512 px maskable one whose drawing keeps inside the central 80 % safe zone. Plain Node (zlib),
 * no image library: `npx tsx scripts/drawIcons.ts` rewrites them; the PNGs are committed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

type Rgb = [number, number, number];
const hex = (value: string): Rgb => [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16)) as Rgb;

const BACKGROUND = hex('#1f2937');
const LINK = hex('#e5e7eb');
const STEPS: Array<{ x: number; y: number; colour: Rgb }> = [
  { x: 9, y: 16, colour: hex('#60a5fa') },
  { x: 23, y: 9, colour: hex('#34d399') },
  { x: 23, y: 23, colour: hex('#fbbf24') },
];
const LINKS: Array<[number, number, number, number]> = [
  [12.5, 14.5, 19.5, 10.5],
  [12.5, 17.5, 19.5, 21.5],
];

/** Distance from point p to the segment a–b. */
function segmentDistance(px: number, py: number, [ax, ay, bx, by]: [number, number, number, number]): number {
  const [dx, dy] = [bx - ax, by - ay];
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

/** Inside a rounded square of side 32 and corner radius r (r = 0: the full square). */
function insideRoundedSquare(x: number, y: number, r: number): boolean {
  const cx = Math.max(r, Math.min(32 - r, x));
  const cy = Math.max(r, Math.min(32 - r, y));
  return x >= 0 && y >= 0 && x <= 32 && y <= 32 && Math.hypot(x - cx, y - cy) <= r;
}

/** The colour at a point of the 32-unit drawing, or undefined where it is transparent. */
function colourAt(x: number, y: number, maskable: boolean): Rgb | undefined {
  if (!insideRoundedSquare(x, y, maskable ? 0 : 7)) return undefined;
  // Maskable: the drawing shrinks to 75 % around the centre, so any mask shape keeps all of it.
  const [u, v] = maskable ? [16 + (x - 16) / 0.75, 16 + (y - 16) / 0.75] : [x, y];
  for (const step of STEPS) if (Math.hypot(u - step.x, v - step.y) <= 4) return step.colour;
  if (LINKS.some((link) => segmentDistance(u, v, link) <= 1)) return LINK;
  return BACKGROUND;
}

/** RGBA pixels, 4 × 4 samples per pixel for smooth edges. */
function draw(size: number, maskable: boolean): Buffer {
  const samples = 4;
  const pixels = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      const sum = [0, 0, 0, 0];
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const colour = colourAt(
            ((px + (sx + 0.5) / samples) * 32) / size,
            ((py + (sy + 0.5) / samples) * 32) / size,
            maskable,
          );
          if (!colour) continue;
          colour.forEach((channel, i) => (sum[i]! += channel));
          sum[3]! += 255;
        }
      }
      const covered = sum[3]! / 255;
      const at = (py * size + px) * 4;
      for (let i = 0; i < 3; i++) pixels[at + i] = covered ? Math.round(sum[i]! / covered) : 0;
      pixels[at + 3] = Math.round(sum[3]! / (samples * samples));
    }
  }
  return pixels;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An 8-bit RGBA PNG: each row prefixed with filter type 0. */
function encodePng(size: number, rgba: Buffer): Buffer {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header.set([8, 6, 0, 0, 0], 8);
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) rgba.copy(rows, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = new URL('../public/icons/', import.meta.url);
mkdirSync(out, { recursive: true });
for (const [name, size, maskable] of [
  ['icon-192.png', 192, false],
  ['icon-512.png', 512, false],
  ['icon-maskable-512.png', 512, true],
  ['apple-touch-icon-180.png', 180, true],
] as const) {
  writeFileSync(new URL(name, out), encodePng(size, draw(size, maskable)));
  console.log(`wrote public/icons/${name}`);
}
