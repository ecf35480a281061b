/**
 * Placing cores on the chip mesh. Cores are numbered in mapping order, which follows the network's population
 * order (usually the direction spikes travel), so filling routers row by row keeps neighbouring layers close:
 * a simple greedy placement. Core k goes to chip ⌊k / cores⌋, router ⌊local / cores_per_router⌋ in row-major
 * order over the mesh.
 */
import type { TargetProfile } from '../target/profile.js';

export interface CorePlace {
  readonly chip: number;
  /** Router coordinates on the chip's mesh. */
  readonly x: number;
  readonly y: number;
  /** Core slot on its router. */
  readonly slot: number;
  /** Core index within its chip. */
  readonly local: number;
}

export function placeCores(n: number, target: TargetProfile): CorePlace[] {
  const { cores, mesh } = target.chip;
  const out: CorePlace[] = [];
  for (let k = 0; k < n; k++) {
    const chip = Math.floor(k / cores);
    const local = k - chip * cores;
    const router = Math.floor(local / mesh.cores_per_router);
    out.push({
      chip,
      local,
      slot: local - router * mesh.cores_per_router,
      x: router % mesh.width,
      y: Math.floor(router / mesh.width),
    });
  }
  return out;
}
