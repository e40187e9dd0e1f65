import type { AuditPage, HostApiParams } from '../../../shared/host-api/index.js';

export const AUDIT_PAGE_SIZE = 50;

/**
 * Where the user is in the audit log, newest first. The Host pages by `beforeSeq` only, so the
 * way back to newer pages is the stack of cursors that led here: empty on the newest page.
 */
export type AuditCursors = readonly number[];

export function auditPageParams(cursors: AuditCursors, server: string): HostApiParams<'auditPage'> {
  const beforeSeq = cursors.at(-1);
  return { limit: AUDIT_PAGE_SIZE, ...(beforeSeq !== undefined ? { beforeSeq } : {}), ...(server !== '' ? { server } : {}) };
}

/** The cursors of the page after this one: before its oldest (last) event. */
export function olderCursors(cursors: AuditCursors, page: AuditPage): AuditCursors {
  const oldest = page.events.at(-1)?.seq;
  if (oldest === undefined || oldest === cursors.at(-1)) return cursors;
  return [...cursors, oldest];
}

export function newerCursors(cursors: AuditCursors): AuditCursors {
  return cursors.slice(0, -1);
}

/** Every page before this one was full, so this page starts after `cursors.length` full pages. */
export function pageRange(cursors: AuditCursors, page: AuditPage): { first: number; last: number } {
  const offset = cursors.length * AUDIT_PAGE_SIZE;
  return { first: offset + 1, last: offset + page.events.length };
}

export function hasOlder(cursors: AuditCursors, page: AuditPage): boolean {
  return page.events.length === AUDIT_PAGE_SIZE && pageRange(cursors, page).last < page.total && page.events.at(-1)?.seq !== 1;
}
