/**
 * The one compile pipeline: `.snn` file → checked network (compiler/frontend.ts) → target profile
 * (compiler/target) → lowering (compiler/lower/lower.ts) → IR. Used by `dendrite compile`, tests and benches.
 * Never throws on bad input: everything wrong is a diagnostic.
 */
import { DiagnosticBag, type Diagnostic } from './diagnostics/diagnostic.js';
import { checkFile } from './frontend.js';
import type { Network } from './model.js';
import { resolveTarget } from './target/load.js';
import type { TargetProfile } from './target/profile.js';
import { lower, type ScaleReport } from './lower/lower.js';
import type { Mapping } from './lower/map.js';
import type { QuantReport } from './lower/quantReport.js';
import type { DendriteIr } from '../ir/types.js';
import { toolVersion } from './paths.js';

export interface CompileOptions {
  /** Target profile name or path to a .yaml file; default `default`. */
  readonly target?: string;
  /** `--set key=value` overrides of the profile. */
  readonly sets?: readonly string[];
  /** Lossy quantization steps are errors. */
  readonly strict?: boolean;
}

export interface CompileReports {
  readonly quantization: readonly QuantReport[];
  readonly scales: readonly ScaleReport[];
  readonly mapping?: Mapping;
  readonly profile?: TargetProfile;
}

export interface CompileResult {
  /** Present only when there are no errors. */
  readonly ir?: DendriteIr;
  readonly diagnostics: Diagnostic[];
  /** Source texts by file name, for the diagnostic renderer. */
  readonly sources: Map<string, string>;
  readonly reports: CompileReports;
  readonly network?: Network;
}

export function compileFile(path: string, options: CompileOptions = {}): CompileResult {
  const fe = checkFile(path);
  const empty: CompileReports = { quantization: [], scales: [] };
  if (!fe.network) return { diagnostics: fe.diagnostics, sources: fe.sources, reports: empty };
  return compileNetwork(fe.network, { ...options, sources: fe.sources, frontendDiagnostics: fe.diagnostics });
}

/** Lowers an already checked network (the front end's warnings, if any, come first in the result). */
export function compileNetwork(
  network: Network,
  options: CompileOptions & { readonly sources?: Map<string, string>; readonly frontendDiagnostics?: readonly Diagnostic[] } = {},
): CompileResult {
  const sources = options.sources ?? new Map<string, string>();
  const diagnostics: Diagnostic[] = [...(options.frontendDiagnostics ?? [])];
  const sets = options.sets ?? [];
  const t = resolveTarget(options.target ?? 'default', sets);
  if (!t.profile) return { diagnostics: [...diagnostics, ...t.diagnostics], sources, reports: { quantization: [], scales: [] }, network };
  const r = lower(network, t.profile, {
    strict: options.strict,
    sources,
    producer: `dendrite ${toolVersion()}`,
    targetDetails: { source: t.profile.source, sets: [...sets], strict: options.strict ?? false },
  });
  // A rule lowered for several projections reports a problem of a shared piece (a signal) once per projection.
  const bag = new DiagnosticBag();
  bag.addAll(diagnostics);
  bag.addAll(r.diagnostics);
  return {
    ir: r.ir,
    diagnostics: [...bag.all],
    sources,
    reports: { quantization: r.quantization, scales: r.scales, mapping: r.mapping, profile: t.profile },
    network,
  };
}
