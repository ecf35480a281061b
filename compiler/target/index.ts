/** Public API of target profiles: load/resolve, override, inspect. */
export type * from './profile.js';
export { totalCores, weightMantissaRange, weightAlignShift } from './profile.js';
export { resolveTarget, loadTargetFile, parseTargetText, listTargets, targetsDir, type TargetResult } from './load.js';
export { applyOverrides, overridablePaths } from './overrides.js';
export { validateProfile, TARGET_CODES, type ValidateResult, type Locator } from './validate.js';
export { PROFILE_SCHEMA, leafPaths, specAt, describeAllowed, type FieldSpec } from './schema.js';
export { checkLearningSupport, type RuleNeeds } from './capabilities.js';
