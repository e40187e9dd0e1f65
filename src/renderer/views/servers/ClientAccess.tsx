import { useState } from 'react';
import type { ClientAccess as ClientAccessView } from '../../../shared/host-api/index.js';
import { useHostApi, useHostQuery } from '../../host-api-context.js';

/** What a draft of one policy holds: every client, or the entries ticked. */
interface Draft {
  tool: string | null;
  every: boolean;
  chosen: string[];
  typed: string;
}

type Step = { at: 'viewing' } | { at: 'editing'; draft: Draft } | { at: 'saving'; draft: Draft } | { at: 'failed'; draft: Draft; error: string };

const listText = (allowed: readonly string[] | null): string => (allowed === null ? 'every client' : allowed.length === 0 ? 'no client' : allowed.join(', '));

/**
 * Which clients may use this server, or one of its tools (issue 17): shown as
 * `airlock servers access NAME` shows it, and edited one policy at a time. Every change is
 * checked by the Host (unknown tokens and tools are refused) and audited.
 */
export function ClientAccess({ server, tools }: { server: string; tools: readonly string[] }) {
  const api = useHostApi();
  const view = useHostQuery((a) => a.clientAccess({ server }), undefined, [server]);
  const [step, setStep] = useState<Step>({ at: 'viewing' });
  if (view.status === 'loading') return <h3>Clients</h3>;
  if (view.status === 'error') {
    return (
      <>
        <h3>Clients</h3>
        <p className="muted">Could not load which clients may use "{server}": {view.error}</p>
      </>
    );
  }
  const access = view.data;
  const draftFor = (tool: string | null): Draft => {
    const allowed = tool === null ? access.serverAllowed : (access.tools.find((t) => t.tool === tool)?.allowed ?? access.serverAllowed);
    return { tool, every: allowed === null, chosen: allowed ?? [], typed: '' };
  };
  const save = async (draft: Draft) => {
    setStep({ at: 'saving', draft });
    try {
      await api.setClientAccess({ server, ...(draft.tool === null ? {} : { tool: draft.tool }), allowed: draft.every ? null : draft.chosen });
      setStep({ at: 'viewing' });
      view.reload();
    } catch (error) {
      setStep({ at: 'failed', draft, error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <section aria-labelledby="client-access-title">
      <h3 id="client-access-title">Clients</h3>
      <p>
        May be used by <strong>{listText(access.serverAllowed)}</strong>.
      </p>
      {access.tools.length > 0 && (
        <ul aria-label="Tools with their own client policy">
          {access.tools.map((t) => (
            <li key={t.tool}>
              <code>{t.tool}</code>: {listText(t.allowed)}
            </li>
          ))}
        </ul>
      )}
      {step.at === 'viewing' ? (
        <button type="button" onClick={() => setStep({ at: 'editing', draft: draftFor(null) })}>
          Change who may use it
        </button>
      ) : (
        <AccessEditor
          access={access}
          tools={tools}
          draft={step.draft}
          sending={step.at === 'saving'}
          onChange={(draft) => setStep({ at: 'editing', draft })}
          onTool={(tool) => setStep({ at: 'editing', draft: draftFor(tool) })}
          onSave={(draft) => void save(draft)}
          onCancel={() => setStep({ at: 'viewing' })}
        />
      )}
      {step.at === 'failed' && (
        <p className="action-error" role="alert">
          Could not change who may use "{server}": {step.error}
        </p>
      )}
    </section>
  );
}

interface EditorProps {
  access: ClientAccessView;
  tools: readonly string[];
  draft: Draft;
  sending: boolean;
  onChange: (draft: Draft) => void;
  onTool: (tool: string | null) => void;
  onSave: (draft: Draft) => void;
  onCancel: () => void;
}

function AccessEditor({ access, tools, draft, sending, onChange, onTool, onSave, onCancel }: EditorProps) {
  const offered = [...access.tokens.map((t) => `token:${t}`), 'connect', ...access.entries.map((e) => `entry:${e}`)];
  const options = [...offered, ...draft.chosen.filter((c) => !offered.includes(c))];
  const toggle = (entry: string, on: boolean) => onChange({ ...draft, chosen: on ? [...draft.chosen, entry] : draft.chosen.filter((c) => c !== entry) });
  const add = () => {
    const typed = draft.typed.trim();
    if (typed === '') return;
    const entry = /^(token|entry|client):|^connect$/i.test(typed) ? typed : `client:${typed}`;
    onChange({ ...draft, typed: '', chosen: draft.chosen.includes(entry) ? draft.chosen : [...draft.chosen, entry] });
  };
  return (
    <form
      className="client-access-editor"
      aria-label="Who may use it"
      onSubmit={(event) => {
        event.preventDefault();
        onSave(draft);
      }}
    >
      <label>
        Applies to{' '}
        <select value={draft.tool ?? ''} disabled={sending} onChange={(e) => onTool(e.target.value === '' ? null : e.target.value)}>
          <option value="">the whole server</option>
          {tools.map((t) => (
            <option key={t} value={t}>
              tool {t}
            </option>
          ))}
        </select>
      </label>
      <fieldset disabled={sending}>
        <legend>Who may use it</legend>
        <label>
          <input type="radio" name="client-access-every" checked={draft.every} onChange={() => onChange({ ...draft, every: true })} /> Every client
        </label>{' '}
        <label>
          <input type="radio" name="client-access-every" checked={!draft.every} onChange={() => onChange({ ...draft, every: false })} /> Only the clients ticked below
        </label>
        {!draft.every && (
          <>
            <ul className="client-access-options" aria-label="Allowed clients">
              {options.map((entry) => (
                <li key={entry}>
                  <label>
                    <input type="checkbox" checked={draft.chosen.includes(entry)} onChange={(e) => toggle(entry, e.target.checked)} /> <code>{entry}</code>
                  </label>
                </li>
              ))}
            </ul>
            <label>
              Another client, by the name it gives itself{' '}
              <input
                value={draft.typed}
                placeholder="client:Claude Code"
                onChange={(e) => onChange({ ...draft, typed: e.target.value })}
                onKeyDown={(e) => {
                  if (e.key === 'Enter') {
                    e.preventDefault();
                    add();
                  }
                }}
              />
            </label>{' '}
            <button type="button" onClick={add}>
              Add
            </button>
            <p className="tag">
              Only a token (token:NAME) proves which client calls. entry:ID is an airlock connect entry that Install wrote into that client's file, and client:NAME is the name a client
              gives itself: any program you run can claim either.
            </p>
          </>
        )}
      </fieldset>
      <button type="submit" disabled={sending}>
        Save
      </button>{' '}
      <button type="button" disabled={sending} onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
