/**
 * The report in real headless Chromium: its layout check must find every lane label visible,
 * no mark outside the plot, no overlapping labels; the screenshot must be a real picture.
 * Needs Chromium (CHROMIUM, or chromium/chromium-browser/google-chrome on PATH): without one
 * this test fails, it never skips.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findChromium, screenshot } from './chromium.js';
import { renderedLayout } from './rendered-layout.js';
import { MARK_STYLES } from './marks.js';
import { syntheticCheck, syntheticRun } from './synthetic-run.js';
import { renderTimelineReport } from './timeline-report.js';

interface Png {
  readonly width: number;
  readonly height: number;
  /** RGB(A) pixel rows, unfiltered. */
  readonly rows: Buffer[];
  readonly channels: number;
}

/** A small PNG reader: 8-bit RGB or RGBA, not interlaced (what Chromium writes). */
function readPng(bytes: Buffer): Png {
  expect(bytes.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])), 'PNG signature').toBe(true);
  expect(bytes.toString('latin1', 12, 16)).toBe('IHDR');
  const width = bytes.readUInt32BE(16);
  const height = bytes.readUInt32BE(20);
  const [depth, colourType, , , interlace] = bytes.subarray(24, 29);
  expect({ depth, colourType: colourType === 6 || colourType === 2, interlace }).toEqual({ depth: 8, colourType: true, interlace: 0 });
  const channels = colourType === 6 ? 4 : 3;
  const idat: Buffer[] = [];
  for (let at = 8; at < bytes.length; ) {
    const length = bytes.readUInt32BE(at);
    if (bytes.toString('latin1', at + 4, at + 8) === 'IDAT') idat.push(bytes.subarray(at + 8, at + 8 + length));
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  expect(raw.length).toBe(height * (stride + 1));
  const rows: Buffer[] = [];
  let prev = Buffer.alloc(stride);
  for (let y = 0; y < height; y++) {
    const filter = raw[y * (stride + 1)] as number;
    const row = Buffer.from(raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1)));
    for (let i = 0; i < stride; i++) {
      const a = i >= channels ? (row[i - channels] as number) : 0;
      const b = prev[i] as number;
      const c = i >= channels ? (prev[i - channels] as number) : 0;
      const p = a + b - c;
      const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
      const add = [0, a, b, (a + b) >> 1, paeth][filter];
      if (add === undefined) throw new Error(`bad PNG filter ${filter} in row ${y}`);
      row[i] = ((row[i] as number) + add) & 0xff;
    }
    rows.push(row);
    prev = row;
  }
  return { width, height, rows, channels };
}

/** How many pixels are within `tolerance` of `#rrggbb`. */
function pixelsOf(png: Png, hex: string, tolerance = 8): number {
  const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  let n = 0;
  for (const row of png.rows) {
    for (let i = 0; i < row.length; i += png.channels) {
      if (want.every((v, k) => Math.abs((row[i + k] as number) - v) <= tolerance)) n++;
    }
  }
  return n;
}

describe('timeline report in headless Chromium', () => {
  let dir = '';
  let htmlFile = '';

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'tp0-report-'));
    htmlFile = join(dir, 'report.html');
    const html = renderTimelineReport({ title: 'run synthetic · seed 42', entries: syntheticRun().entries, check: syntheticCheck(), facts: { seed: '42', dataset: 'synthetic, 3 agencies' } });
    writeFileSync(htmlFile, html);
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds a Chromium to run (set CHROMIUM or install the chromium package)', () => {
    expect(findChromium()).toMatch(/chrom/);
  });

  it('lays out every lane, mark and fault band inside the plot, labels visible and apart', async () => {
    const { findings, dom } = await renderedLayout(htmlFile, { timeoutMs: 30_000 });
    expect(findings.problems).toEqual([]);
    expect(findings).toMatchObject({ lanes: 4, hiddenLabels: 0, outside: 0, overlaps: 0, faultBands: 1 });
    expect(findings.marks).toBeGreaterThan(20);
    // What the checker concluded survives rendering.
    expect(dom).toMatch(/<div class="badge invalid" data-check="invalid">INVALID<\/div>/);
    expect(dom).toMatch(/<tr data-set="lost" data-count="3"[^>]*><td>lost<\/td>.*<td class="num">3<\/td>/);
  });

  it('takes a screenshot of the asked size that shows the picture', async () => {
    const pngFile = join(dir, 'report.png');
    await screenshot(htmlFile, pngFile, 1200, 800, { timeoutMs: 30_000 });
    const bytes = readFileSync(pngFile);
    expect(bytes.length).toBeGreaterThan(20_000);
    const png = readPng(bytes);
    expect([png.width, png.height]).toEqual([1200, 800]);
    // The batch density bars, the draw diamond and the red INVALID badge are all on screen.
    expect(pixelsOf(png, MARK_STYLES.batch.colour, 12)).toBeGreaterThan(300);
    expect(pixelsOf(png, MARK_STYLES.draw.colour)).toBeGreaterThan(30);
    expect(pixelsOf(png, '#c62828')).toBeGreaterThan(2_000);
  });
});
