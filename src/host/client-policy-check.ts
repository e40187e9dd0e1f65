import type { ClientRefusal } from '../engine/gate/gate.js';
import { clientAccess, clientPolicyLookup, describeCaller, type ClientCaller, type ServerClientPolicy } from '../engine/store/client-policy.js';
import type { Store } from '../engine/store/index.js';
import type { Surface } from '../engine/surface.js';

/** A home's client policies as the sessions read them: one prepared statement, read on each call. */
export interface ClientPolicySource {
  policy(server: string): ServerClientPolicy | undefined;
}

/** The policy source of a home's store (the Host makes one). */
export function clientPolicySource(store: Store): ClientPolicySource {
  return { policy: clientPolicyLookup(store) };
}

/** What one session asks of the policies: the gate's R5 check, and the lists filtered to what its client may use. */
export interface SessionClientAccess {
  refusal(kind: 'tool' | 'prompt' | 'resource', key: string): ClientRefusal | undefined;
  /** The approved surface without what this client may not use: a client allowed no tool of the server is served none. */
  served(surface: Surface): Surface;
}

/**
 * The access of one session. The client's name is pinned at the first check that reads it: a
 * client that names itself again mid-session (a second initialize, per-request _meta) is still
 * judged by its first name, so it cannot step into another client's rule within a session.
 */
export function sessionClientAccess(source: ClientPolicySource, server: string, current: () => ClientCaller): SessionClientAccess {
  let pinned: string | null = null;
  const caller = (): ClientCaller => {
    const now = current();
    if (pinned === null && now.clientName !== null) pinned = now.clientName;
    return { ...now, clientName: pinned };
  };
  const refusalOf = (policy: ServerClientPolicy | undefined, kind: 'tool' | 'prompt' | 'resource', key: string, who: ClientCaller): ClientRefusal | undefined => {
    const refused = clientAccess(policy, kind, key, who);
    if (refused === undefined) return undefined;
    const of = refused.scope === 'tool' ? `tool "${key}" on "${server}"` : `"${server}"`;
    const allowed = refused.allowed.length === 0 ? 'no client' : refused.allowed.join(', ');
    const toolFlag = refused.scope === 'tool' ? ` --tool ${key}` : '';
    return {
      caller: describeCaller(who),
      rule: `the client policy of ${of} (allowed: ${allowed})`,
      change: `To let it in, run: airlock servers access ${server}${toolFlag} --allow ${suggestedEntry(who)} (keep the others with more --allow), or change it in the Servers view`,
    };
  };
  return {
    refusal: (kind, key) => {
      const policy = source.policy(server);
      return policy === undefined ? undefined : refusalOf(policy, kind, key, caller());
    },
    served: (surface) => {
      const policy = source.policy(server);
      if (policy === undefined) return surface;
      const who = caller();
      const may = (kind: 'tool' | 'prompt' | 'resource', key: string): boolean => clientAccess(policy, kind, key, who) === undefined;
      const whole = may('prompt', '');
      return {
        ...surface,
        tools: surface.tools.filter((t) => may('tool', t.name)),
        prompts: whole ? surface.prompts : [],
        resources: whole ? surface.resources : [],
        resourceTemplates: whole ? surface.resourceTemplates : [],
      };
    },
  };
}

/** The entry that would let this caller in, strongest first: its token, its installed entry, else any connect. */
function suggestedEntry(caller: ClientCaller): string {
  if (caller.via.startsWith('token ')) return `token:${caller.via.slice('token '.length)}`;
  if (caller.entry) return `entry:${caller.entry}`;
  return 'connect';
}
