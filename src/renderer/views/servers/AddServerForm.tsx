import { useId, useState, type FormEvent } from 'react';
import { useHostApi } from '../../host-api-context.js';
import { addServerParams, emptyDraft, type AddServerDraft } from './add-server-draft.js';
import { VariableRows } from './VariableRows.js';

/**
 * `airlock servers add` in the window: how to start the server, its variables and its secrets.
 * Secret values go to the Host's secret store and are never shown again.
 */
export function AddServerForm({ onAdded, onCancel }: { onAdded: (name: string, notice: string) => void; onCancel: () => void }) {
  const api = useHostApi();
  const id = useId();
  const [draft, setDraft] = useState<AddServerDraft>(emptyDraft);
  const [sending, setSending] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const edit = (change: Partial<AddServerDraft>) => setDraft((d) => ({ ...d, ...change }));

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const checked = addServerParams(draft);
    if ('problem' in checked) {
      setError(`Not added: ${checked.problem}.`);
      return;
    }
    setSending(true);
    setError(null);
    try {
      const added = await api.addServer(checked.params);
      const secrets = added.secretKeys.length === 0 ? '' : ` Its secrets (${added.secretKeys.join(', ')}) are in Airlock's secret store.`;
      const first = added.approveOnFirstList ? 'What it lists the first time is approved as it is.' : 'Its tools are held until you review them.';
      onAdded(added.name, `Added "${added.name}". Point an AI client at it with: airlock connect ${added.name}. ${first}${secrets}`);
    } catch (e) {
      setError(`Not added: ${e instanceof Error ? e.message : String(e)}`);
      setSending(false);
    }
  };

  return (
    <form className="panel server-form" aria-labelledby={`${id}-title`} onSubmit={(e) => void submit(e)}>
      <h2 id={`${id}-title`}>Add a server</h2>
      <p className="muted">The same as <code>airlock servers add</code>: Airlock starts this command whenever an AI client connects to the server through it.</p>
      <div className="form-grid">
        <label htmlFor={`${id}-name`}>Name</label>
        <div>
          <input id={`${id}-name`} type="text" className="mono" spellCheck={false} autoComplete="off" value={draft.name} onChange={(e) => edit({ name: e.target.value })} aria-describedby={`${id}-name-hint`} />
          <p id={`${id}-name-hint`} className="muted field-hint">
            Letters, digits, ".", "_" or "-"; AI clients connect with <code>airlock connect NAME</code>.
          </p>
        </div>
        <label htmlFor={`${id}-command`}>Command</label>
        <div>
          <input id={`${id}-command`} type="text" className="mono" spellCheck={false} autoComplete="off" placeholder="npx" value={draft.command} onChange={(e) => edit({ command: e.target.value })} aria-describedby={`${id}-command-hint`} />
          <p id={`${id}-command-hint`} className="muted field-hint">
            The program only, such as <code>npx</code>, <code>node</code> or <code>/usr/local/bin/my-server</code>.
          </p>
        </div>
        <label htmlFor={`${id}-args`}>Arguments</label>
        <div>
          <textarea
            id={`${id}-args`}
            className="mono"
            rows={3}
            spellCheck={false}
            placeholder={'-y\n@modelcontextprotocol/server-memory'}
            value={draft.argsText}
            onChange={(e) => edit({ argsText: e.target.value })}
            aria-describedby={`${id}-args-hint`}
          />
          <p id={`${id}-args-hint`} className="muted field-hint">
            One argument per line, exactly as the program gets it: no quotes needed, spaces stay inside their line. Blank lines are skipped.
          </p>
        </div>
      </div>
      <VariableRows legend="Environment variables" hint="Stored with the server's settings and shown in its details. Put tokens and passwords under secret variables instead." secret={false} rows={draft.env} onChange={(env) => edit({ env })} />
      <VariableRows legend="Secret variables" hint="Kept in Airlock's secret store and given to the server when it starts; never shown again, never logged." secret rows={draft.secrets} onChange={(secrets) => edit({ secrets })} />
      <div className="client-approve-current">
        <label htmlFor={`${id}-approve`}>
          <input id={`${id}-approve`} type="checkbox" checked={draft.approveOnFirstList} onChange={(e) => edit({ approveOnFirstList: e.target.checked })} /> Approve what it lists first
        </label>
        <p className="muted">Trusts the tools it lists the first time as they are; left off, they are held until you review and approve them.</p>
      </div>
      {error !== null && (
        <p className="action-error" role="alert">
          {error}
        </p>
      )}
      <div className="toolbar">
        <button type="submit" className="primary" disabled={sending}>
          Add server
        </button>
        <button type="button" disabled={sending} onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
