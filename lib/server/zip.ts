/**
 * The export routes' zip archives (fflate). Loaded on first use: most commands start the embedded
 * server and never export, and fflate builds its tables as it loads.
 */
export function zipped(entries: Record<string, Uint8Array>): Buffer {
  const { zipSync } = require('fflate') as typeof import('fflate');
  return Buffer.from(zipSync(entries, { level: 1 }));
}
