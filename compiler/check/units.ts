/**
 * Physical dimensions and the unit table. A dimension is a vector of integer exponents over the base
 * quantities (time, voltage, current); every quantity is converted to SI (s, V, A, Hz, …) as it is read.
 * `steps` is special: one time step, whose size (`dt`) is only known once the network's `dt` is read.
 */

export interface Dim {
  readonly time: number;
  readonly voltage: number;
  readonly current: number;
}

export const DIMENSIONLESS: Dim = { time: 0, voltage: 0, current: 0 };
export const TIME: Dim = { time: 1, voltage: 0, current: 0 };
export const FREQUENCY: Dim = { time: -1, voltage: 0, current: 0 };
export const VOLTAGE: Dim = { time: 0, voltage: 1, current: 0 };
export const CURRENT: Dim = { time: 0, voltage: 0, current: 1 };

export function dimEquals(a: Dim, b: Dim): boolean {
  return a.time === b.time && a.voltage === b.voltage && a.current === b.current;
}

export function dimMul(a: Dim, b: Dim): Dim {
  return { time: a.time + b.time, voltage: a.voltage + b.voltage, current: a.current + b.current };
}

export function dimDiv(a: Dim, b: Dim): Dim {
  return { time: a.time - b.time, voltage: a.voltage - b.voltage, current: a.current - b.current };
}

export function isDimensionless(d: Dim): boolean {
  return dimEquals(d, DIMENSIONLESS);
}

interface UnitDef {
  readonly dim: Dim;
  /** Multiply a value in this unit by `scale` to get SI. */
  readonly scale: number;
}

const S_ = (time: number, voltage: number, current: number): Dim => ({ time, voltage, current });

/** Units accepted after a number. Case matters (`mV` is not `MV`). */
export const UNITS: ReadonlyMap<string, UnitDef> = new Map<string, UnitDef>([
  ['s', { dim: TIME, scale: 1 }],
  ['ms', { dim: TIME, scale: 1e-3 }],
  ['us', { dim: TIME, scale: 1e-6 }],
  ['ns', { dim: TIME, scale: 1e-9 }],
  ['min', { dim: TIME, scale: 60 }],
  ['Hz', { dim: FREQUENCY, scale: 1 }],
  ['kHz', { dim: FREQUENCY, scale: 1e3 }],
  ['MHz', { dim: FREQUENCY, scale: 1e6 }],
  ['V', { dim: VOLTAGE, scale: 1 }],
  ['mV', { dim: VOLTAGE, scale: 1e-3 }],
  ['uV', { dim: VOLTAGE, scale: 1e-6 }],
  ['A', { dim: CURRENT, scale: 1 }],
  ['mA', { dim: CURRENT, scale: 1e-3 }],
  ['uA', { dim: CURRENT, scale: 1e-6 }],
  ['nA', { dim: CURRENT, scale: 1e-9 }],
  ['pA', { dim: CURRENT, scale: 1e-12 }],
  // Conductance (A/V), capacitance (A·s/V), resistance (V/A), so `1 pF / 1 nS` is 1 ms.
  ['S', { dim: S_(0, -1, 1), scale: 1 }],
  ['mS', { dim: S_(0, -1, 1), scale: 1e-3 }],
  ['uS', { dim: S_(0, -1, 1), scale: 1e-6 }],
  ['nS', { dim: S_(0, -1, 1), scale: 1e-9 }],
  ['F', { dim: S_(1, -1, 1), scale: 1 }],
  ['nF', { dim: S_(1, -1, 1), scale: 1e-9 }],
  ['pF', { dim: S_(1, -1, 1), scale: 1e-12 }],
  ['ohm', { dim: S_(0, 1, -1), scale: 1 }],
  ['kohm', { dim: S_(0, 1, -1), scale: 1e3 }],
  ['Mohm', { dim: S_(0, 1, -1), scale: 1e6 }],
  ['Gohm', { dim: S_(0, 1, -1), scale: 1e9 }],
  ['percent', { dim: DIMENSIONLESS, scale: 1e-2 }],
]);

const NAMED: readonly [Dim, string, string][] = [
  [DIMENSIONLESS, 'a plain number', ''],
  [TIME, 'a time', 'ms'],
  [FREQUENCY, 'a frequency', 'Hz'],
  [VOLTAGE, 'a voltage', 'mV'],
  [CURRENT, 'a current', 'nA'],
  [S_(0, -1, 1), 'a conductance', 'nS'],
  [S_(1, -1, 1), 'a capacitance', 'pF'],
  [S_(0, 1, -1), 'a resistance', 'Mohm'],
];

/** "a time", "a voltage", or the SI form `V·s^-1` for unnamed dimensions. */
export function describeDim(d: Dim): string {
  for (const [dim, name] of NAMED) if (dimEquals(dim, d)) return name;
  const parts: string[] = [];
  const base: [number, string][] = [
    [d.voltage, 'V'],
    [d.current, 'A'],
    [d.time, 's'],
  ];
  for (const [e, u] of base) if (e !== 0) parts.push(e === 1 ? u : `${u}^${e}`);
  return `a quantity in ${parts.join('·')}`;
}

/** A unit to suggest for a dimension (`ms` for time), if it has a common one. */
export function exampleUnit(d: Dim): string | undefined {
  for (const [dim, , unit] of NAMED) if (dimEquals(dim, d) && unit) return unit;
  return undefined;
}
