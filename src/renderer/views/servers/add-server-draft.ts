import type { HostApiParams } from '../../../shared/host-api/index.js';

/** One variable as typed in the form; a row left empty is ignored. */
export interface VariableRow {
  id: number;
  name: string;
  value: string;
}

/** The Add server form as the user filled it in. */
export interface AddServerDraft {
  name: string;
  command: string;
  /** One argument per line. */
  argsText: string;
  env: VariableRow[];
  secrets: VariableRow[];
  approveOnFirstList: boolean;
}

export function emptyDraft(): AddServerDraft {
  return { name: '', command: '', argsText: '', env: [], secrets: [], approveOnFirstList: false };
}

/**
 * The addServer parameters, or what to fix first. Only what the form alone can tell is checked
 * here; names, the command and variable names are checked by the Host, as `airlock servers add`
 * checks them.
 */
export function addServerParams(draft: AddServerDraft): { params: HostApiParams<'addServer'> } | { problem: string } {
  // One argument per line, taken as typed: no quoting, so a space stays inside its argument.
  const args = draft.argsText.split(/\r?\n/).filter((line) => line.trim() !== '');
  const env = variables(draft.env, 'environment variable');
  if ('problem' in env) return env;
  const secrets = variables(draft.secrets, 'secret variable');
  if ('problem' in secrets) return secrets;
  return { params: { name: draft.name.trim(), command: draft.command.trim(), args, env: env.values, secrets: secrets.values, approveOnFirstList: draft.approveOnFirstList } };
}

function variables(rows: readonly VariableRow[], what: string): { values: Record<string, string> } | { problem: string } {
  const values = new Map<string, string>();
  for (const row of rows) {
    const name = row.name.trim();
    if (name === '' && row.value === '') continue;
    if (name === '') return { problem: `a ${what} has a value but no name: give it a name, or remove that row` };
    if (values.has(name)) return { problem: `the ${what} ${name} is given twice: keep one of them` };
    values.set(name, row.value);
  }
  return { values: Object.fromEntries(values) };
}
