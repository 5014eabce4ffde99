// The audit's progress lines, on a terminal only (audit.ts asks isatty(2)): one line rewritten
// in place while containers are inspected (above a few dozen) and while image layers are read
// (an export of a large image takes seconds before its first byte and more to read), cleared
// when done so the report starts on a clean line.
import type { ReadProgress } from './layer-records.js';

/** Above this many containers a terminal gets a progress line. */
const CONTAINERS_FROM = 20;
/** Redraw at most this often while the bytes of one layer pass. */
const EVERY_MS = 100;
const MiB = 1024 * 1024;

/** One line, rewritten in place; done < 0 clears it. */
export function progressLine(write: (text: string) => void): (done: number, total: number) => void {
  let shown = false;
  return (done, total) => {
    if (done < 0) {
      if (shown) write('\r\u001b[K');
      return;
    }
    if (total <= CONTAINERS_FROM) return;
    shown = true;
    write(`\rsdocker audit: reading containers ${done}/${total}`);
  };
}

export interface LayerProgressLine {
  readonly update: (progress: ReadProgress) => void;
  readonly clear: () => void;
}

/** `sdocker audit: reading image web:1 (and 2 more): layer 2/5, 312 of 756 MiB` */
export function layerProgressLine(write: (text: string) => void, now: () => number = Date.now): LayerProgressLine {
  let shown = false;
  let last = { layer: 0, at: 0 };
  return {
    update: (p) => {
      const at = now();
      if (p.layer === last.layer && at - last.at < EVERY_MS && p.bytes < p.size) return;
      last = { layer: p.layer, at };
      shown = true;
      write(`\r\u001b[K${layerProgressText(p)}`);
    },
    clear: () => {
      if (shown) write('\r\u001b[K');
      shown = false;
    },
  };
}

/** Layer 0: the engine is still writing the export (moby 20.10 writes it whole before the first byte). */
export function layerProgressText(p: ReadProgress): string {
  const image = p.images.length > 1 ? `${p.images[0] ?? ''} (and ${p.images.length - 1} more)` : (p.images[0] ?? '');
  if (p.layer === 0) return `sdocker audit: reading image ${image}: waiting for the engine's export of ${p.layers} layer${p.layers === 1 ? '' : 's'}`;
  return `sdocker audit: reading image ${image}: layer ${p.layer}/${Math.max(p.layers, p.layer)}, ${amount(p.bytes, p.size)}`;
}

/** `312 of 756 MiB`, `1.5 of 2.0 MiB`, `3 of 12 KiB`: the unit of the layer's size. */
function amount(bytes: number, size: number): string {
  if (size < MiB) return `${Math.round(bytes / 1024)} of ${Math.round(size / 1024)} KiB`;
  const mib = (n: number): string => (size >= 10 * MiB ? String(Math.round(n / MiB)) : (n / MiB).toFixed(1));
  return `${mib(bytes)} of ${mib(size)} MiB`;
}
