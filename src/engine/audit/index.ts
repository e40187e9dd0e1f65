export {
  AuditEventSchema,
  AuditEventBodySchema,
  AuditEventInputSchema,
  GENESIS_HASH,
  MAX_DETAIL_BYTES,
  type AuditEvent,
  type AuditEventBody,
  type AuditEventInput,
} from './audit-event.js';
export { appendAuditEvent, appendAuditEvents } from './append-audit-event.js';
export { verifyAuditChain, verifyAuditChainStep, type AuditChainStep, type AuditChainVerification } from './verify-audit-chain.js';
export { countAuditEvents, listAuditEvents, recentAuditEvents, type ListAuditEventsOptions, type RecentAuditEventsOptions } from './list-audit-events.js';
export { verifyAuditLog, type AuditLogVerification } from './verify-audit-log.js';
