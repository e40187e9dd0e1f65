/** The drift engine: what changed between the approved and the live surface, and what to do about it. */
export type { DriftReport, DriftVerdict, ItemChange, ItemStatus } from './drift-types.js';
export { diffSurfaces } from './drift-diff.js';
export { heldItems, isAutoApprovable, judgeDrift } from './drift-verdict.js';
