import { migration001 } from './001-initial.js';
import { migration002 } from './002-server-configs.js';
import { migration003 } from './003-quarantined-items.js';
import { migration004 } from './004-merkle.js';
import { migration005 } from './005-checkpoints.js';
import { migration006 } from './006-drift-records.js';
import { migration007 } from './007-remote-servers.js';
import { migration008 } from './008-client-tokens.js';
import { migration009 } from './009-audit-journal-mark.js';
import { migration010 } from './010-client-policies.js';
import type { Migration } from './migration.js';

export type { Migration } from './migration.js';

/** Every migration, in order. Append new ones here; never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = Object.freeze([migration001, migration002, migration003, migration004, migration005, migration006, migration007, migration008, migration009, migration010]);

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

// Versions must run 1, 2, 3… so "newer than we know" is a plain comparison.
MIGRATIONS.forEach((m, i) => {
  if (m.version !== i + 1) throw new Error(`migration list is out of order: position ${i + 1} holds version ${m.version}`);
});
