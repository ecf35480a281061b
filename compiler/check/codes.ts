/**
 * Codes of the checker's diagnostics (SNN2xxx). Stable: tests and docs refer to them.
 * 20xx names and structure, 21xx units and values, 22xx ranges and shapes, 23xx learning rules.
 */
export const CheckCodes = {
  Duplicate: 'SNN2001',
  UnknownName: 'SNN2002',
  UnknownPort: 'SNN2003',
  UnknownState: 'SNN2004',
  UnknownParameter: 'SNN2005',
  Missing: 'SNN2006',
  Import: 'SNN2007',
  Misplaced: 'SNN2008',
  Conflict: 'SNN2009',
  DimensionMismatch: 'SNN2101',
  UnknownUnit: 'SNN2102',
  WrongValueKind: 'SNN2103',
  OutOfRange: 'SNN2201',
  ShapeMismatch: 'SNN2202',
  RuleReadsUnknown: 'SNN2301',
  RulePostState: 'SNN2302',
  RuleTime: 'SNN2303',
  RuleUpdate: 'SNN2304',
  Unused: 'SNN2901',
} as const;
