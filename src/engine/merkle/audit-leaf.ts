import { canonicalJson } from '../canonical-json.js';
import { merkleLeafHash } from './merkle-hash.js';

/**
 * The leaf hash of an audit event: SHA-256(0x00 || UTF-8 of the RFC 8785 canonical JSON of the
 * FULL event, its `hash` included). Including the hash binds the leaf to the chain as well as
 * to the body, and lets a receipt's verifier hash exactly the event object it carries.
 */
export function auditLeafHash(event: object): Buffer {
  return merkleLeafHash(Buffer.from(canonicalJson(event), 'utf8'));
}
