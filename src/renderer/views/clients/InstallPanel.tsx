import { useId, useState } from 'react';
import type { ClientsInstallPreview, ClientsInstallResult, ClientsList } from '../../../shared/host-api/index.js';
import { useHostApi } from '../../host-api-context.js';
import { homePath, routeText } from './clients-text.js';
import { UnifiedDiff } from './UnifiedDiff.js';

type ClientId = ClientsList['clients'][number]['id'];
type Step = { at: 'idle' } | { at: 'preview'; plan: ClientsInstallPreview; overHttp: boolean } | { at: 'done'; result: ClientsInstallResult; overHttp: boolean };

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function PlanView({ plan, userHome }: { plan: ClientsInstallPreview; userHome: string }) {
  return (
    <>
      {plan.files.length === 0 && <p>Nothing to route: no client entry bypasses Airlock that it can run.</p>}
      {plan.files.map((file) => (
        <section key={file.path} className="client-plan-file" aria-label={`${file.clientName}: ${homePath(file.path, userHome)}`}>
          <h4>
            {file.clientName}: <code>{homePath(file.path, userHome)}</code>
          </h4>
          <ul>
            {file.routes.map((route) => (
              <li key={route.name}>{routeText(route)}</li>
            ))}
          </ul>
          <UnifiedDiff diff={file.diff} label={`changes to ${homePath(file.path, userHome)}`} />
        </section>
      ))}
      {plan.skipped.length > 0 && (
        <>
          <h4>Left as they are</h4>
          <ul aria-label="Left as they are">
            {plan.skipped.map((s) => (
              <li key={`${s.path}\u0000${s.name}`}>
                "{s.name}" in <code>{homePath(s.path, userHome)}</code>: {s.reason}
              </li>
            ))}
          </ul>
        </>
      )}
      {plan.unreadable.length > 0 && (
        <>
          <h4>Files that could not be read</h4>
          <ul aria-label="Files that could not be read">
            {plan.unreadable.map((u) => (
              <li key={u.path}>
                <code>{homePath(u.path, userHome)}</code>: {u.error}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}

/** What a client routed over HTTP needs next; the window never shows or writes a token. */
function HttpNextSteps() {
  return (
    <p>
      Clients routed over HTTP read their token from a variable (<code>AIRLOCK_TOKEN_CURSOR</code>, <code>AIRLOCK_TOKEN_VSCODE</code>…). Add this line to your shell profile and start those
      clients from a new shell: <code>eval "$(airlock clients token-env)"</code>. Restore gives the files back and revokes those tokens.
    </p>
  );
}

function ResultView({ result, userHome, overHttp }: { result: ClientsInstallResult; userHome: string; overHttp: boolean }) {
  const moved = Object.entries(result.secretsMoved).filter(([, keys]) => keys.length > 0);
  return (
    <div role="status">
      <p>
        Updated {result.files.length} file{result.files.length === 1 ? '' : 's'}:
      </p>
      <ul>
        {result.files.map((f) => (
          <li key={f}>
            <code>{homePath(f, userHome)}</code>
          </li>
        ))}
      </ul>
      {result.added.length > 0 && <p>Added to Airlock: {result.added.join(', ')}</p>}
      {result.reused.length > 0 && <p>Already in Airlock, now also used here: {result.reused.join(', ')}</p>}
      {moved.length > 0 && <p>Secrets moved out of client files into Airlock's secret store: {moved.map(([server, keys]) => `${server}: ${keys.join(', ')}`).join('; ')}</p>}
      {overHttp && <HttpNextSteps />}
      <p className="muted">Restart the clients (or reload their MCP servers) to use the new entries. Undo with Preview restore.</p>
    </div>
  );
}

/**
 * Routing client entries through Airlock: a preview of every file's change first, then an apply
 * bound by `planId` to exactly the previewed bytes (the Host refuses if a file changed since).
 */
export function InstallPanel({ clients, userHome, onChanged }: { clients: readonly { id: ClientId; name: string }[]; userHome: string; onChanged: () => void }) {
  const api = useHostApi();
  const approveId = useId();
  const httpId = useId();
  const [overHttp, setOverHttp] = useState(false);
  const [step, setStep] = useState<Step>({ at: 'idle' });
  // Unticked clients are remembered, so a client found later starts ticked.
  const [unticked, setUnticked] = useState<ReadonlySet<ClientId>>(() => new Set());
  const [approveCurrent, setApproveCurrent] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const toggle = (id: ClientId) => setUnticked((now) => (now.has(id) ? new Set([...now].filter((c) => c !== id)) : new Set([...now, id])));
  const picked = clients.filter((c) => !unticked.has(c.id)).map((c) => c.id);

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(message(e));
    } finally {
      setBusy(false);
    }
  };
  const preview = () =>
    run(async () => {
      // Every client ticked is the same as naming none: the Host looks at all of them.
      const plan = await api.clientsInstallPreview({ ...(picked.length === clients.length ? {} : { clients: picked }), ...(overHttp ? { overHttp: true } : {}) });
      setApproveCurrent(false);
      setStep({ at: 'preview', plan, overHttp });
    });
  const apply = (planId: string, http: boolean) =>
    run(async () => {
      try {
        setStep({ at: 'done', result: await api.clientsInstallApply({ planId, approveCurrent }), overHttp: http });
      } catch (e) {
        // A refused plan cannot be applied again: the user previews afresh.
        setStep({ at: 'idle' });
        throw e;
      } finally {
        onChanged();
      }
    });

  return (
    <section className="panel client-action" aria-label="Route through Airlock">
      <h3>Route through Airlock</h3>
      {step.at === 'idle' && (
        <>
          <p className="muted">Rewrites client config entries to start their server through Airlock, moving secrets to Airlock's secret store. Nothing changes until you apply the preview.</p>
          {clients.length > 1 && (
            <fieldset className="client-choice">
              <legend>Clients to route</legend>
              {clients.map((c) => (
                <label key={c.id}>
                  <input type="checkbox" checked={!unticked.has(c.id)} onChange={() => toggle(c.id)} /> {c.name}
                </label>
              ))}
            </fieldset>
          )}
          <div className="client-over-http">
            <label htmlFor={httpId}>
              <input id={httpId} type="checkbox" checked={overHttp} onChange={(e) => setOverHttp(e.target.checked)} /> Over HTTP (Airlock's MCP endpoint, with a token per client)
            </label>
            <p className="muted">
              Where a client's file can give an entry a URL and read its token from a variable. A client that cannot read a variable is left as it is; one whose file only starts commands is routed as usual.
              Applying makes each client's token, replacing one it had.
            </p>
          </div>
          <div className="toolbar">
            <button type="button" onClick={() => void preview()} disabled={busy || (clients.length > 0 && picked.length === 0)}>
              Preview routing
            </button>
          </div>
        </>
      )}
      {step.at === 'preview' && (
        <>
          <PlanView plan={step.plan} userHome={userHome} />
          {step.overHttp && step.plan.files.length > 0 && <HttpNextSteps />}
          {step.plan.files.length > 0 && (
            <div className="client-approve-current">
              <label htmlFor={approveId}>
                <input id={approveId} type="checkbox" checked={approveCurrent} onChange={(e) => setApproveCurrent(e.target.checked)} /> Count each new server's current tools as approved
              </label>
              <p className="muted">Otherwise each new server's tools are held until you review and approve them in Review.</p>
            </div>
          )}
          <div className="toolbar">
            <button type="button" className="primary" onClick={() => void apply(step.plan.planId, step.overHttp)} disabled={busy || step.plan.files.length === 0}>
              Apply
            </button>
            <button type="button" onClick={() => setStep({ at: 'idle' })} disabled={busy}>
              Cancel
            </button>
          </div>
        </>
      )}
      {step.at === 'done' && (
        <>
          <ResultView result={step.result} userHome={userHome} overHttp={step.overHttp} />
          <div className="toolbar">
            <button type="button" onClick={() => setStep({ at: 'idle' })}>
              Done
            </button>
          </div>
        </>
      )}
      {busy && (
        <p className="muted" role="status">
          Asking the Airlock host…
        </p>
      )}
      {error !== null && (
        <p className="client-error" role="alert">
          {error}
        </p>
      )}
    </section>
  );
}
