/**
 * `npm run report:png -- report.html out.png [width height]`: a screenshot of a timeline report
 * (made with `run.mjs --report`) in headless Chromium, e.g. the README's picture.
 */
import { screenshot } from './chromium.js';

const [html, png, width = '1400', height = '1000'] = process.argv.slice(2);
if (!html || !png || !/^\d+$/.test(width) || !/^\d+$/.test(height)) {
  console.error('usage: npm run report:png -- <report.html> <out.png> [width height]');
  process.exitCode = 2;
} else {
  screenshot(html, png, Number(width), Number(height)).then(
    () => console.log(`${png}: ${width}×${height} screenshot of ${html}`),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exitCode = 1;
    },
  );
}
