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
export { verifyAuditChain, type AuditChainVerification } from './verify-audit-chain.js';
export { listAuditEvents, type ListAuditEventsOptions } from './list-audit-events.js';
