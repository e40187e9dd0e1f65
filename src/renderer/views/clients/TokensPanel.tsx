import { useState } from 'react';
import { EmptyState, ErrorState, Loading } from '../../components/states.js';
import { LocalTime } from '../../components/LocalTime.js';
import { useHostApi, useHostQuery } from '../../host-api-context.js';

type Made = { name: string; token: string; replaced: boolean };
type Step = { at: 'idle' } | { at: 'sending' } | { at: 'failed'; error: string; name: string } | { at: 'made'; made: Made };

const message = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * The MCP endpoint's tokens, one per HTTP client: made here (shown once, then only its hash is
 * kept), listed with their last use, and revoked.
 */
export function TokensPanel() {
  const api = useHostApi();
  const query = useHostQuery((a) => a.clientTokens({}));
  const [name, setName] = useState('');
  const [step, setStep] = useState<Step>({ at: 'idle' });
  const [revoking, setRevoking] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const make = async (replace: boolean) => {
    const wanted = name.trim();
    setStep({ at: 'sending' });
    setNotice(null);
    try {
      const made = await api.createClientToken({ name: wanted, replace });
      setStep({ at: 'made', made: { name: made.name, token: made.token, replaced: made.replaced } });
      setName('');
      query.reload();
    } catch (error) {
      setStep({ at: 'failed', error: message(error), name: wanted });
    }
  };
  const revoke = async (client: string) => {
    setRevoking(null);
    try {
      await api.revokeClientToken({ name: client });
      setNotice(`Revoked the token of "${client}": the MCP endpoint refuses it from now on, and its open sessions end.`);
      if (step.at === 'made' && step.made.name === client) setStep({ at: 'idle' });
      query.reload();
    } catch (error) {
      setNotice(`Could not revoke the token of "${client}": ${message(error)}`);
    }
  };

  return (
    <section className="panel client-action tokens-panel" aria-label="HTTP clients">
      <h3>HTTP clients</h3>
      {query.status === 'loading' && <Loading what="the MCP endpoint's tokens" />}
      {query.status === 'error' && <ErrorState error={query.error} retry={query.reload} />}
      {query.status === 'ready' && (
        <>
          <p className="muted">
            {query.data.endpoint === null ? (
              <>This Airlock does not serve its MCP endpoint now: clients reach servers through <code>airlock connect</code>.</>
            ) : (
              <>
                A client that speaks only HTTP reaches a server at <code>{query.data.endpoint}/SERVER</code>, with its own token in the header <code>Authorization: Bearer …</code>. Every call is recorded with the token it came with.
              </>
            )}
          </p>
          {query.data.tokens.length === 0 ? (
            <EmptyState title="No client has a token yet." />
          ) : (
            <ul className="tokens-list" aria-label="Client tokens">
              {query.data.tokens.map((t) => (
                <li key={t.name}>
                  <strong>{t.name}</strong> <span className="muted">made <LocalTime iso={t.createdAt} />, {t.lastUsedAt === null ? 'never used' : <>last used <LocalTime iso={t.lastUsedAt} /></>}</span>{' '}
                  {revoking === t.name ? (
                    <>
                      <button type="button" className="danger" onClick={() => void revoke(t.name)}>
                        Confirm revoke
                      </button>{' '}
                      <button type="button" onClick={() => setRevoking(null)}>
                        Cancel
                      </button>
                    </>
                  ) : (
                    <button type="button" onClick={() => setRevoking(t.name)}>
                      Revoke…
                    </button>
                  )}
                </li>
              ))}
            </ul>
          )}
        </>
      )}
      {notice !== null && <p role="status">{notice}</p>}
      <form
        className="toolbar"
        onSubmit={(event) => {
          event.preventDefault();
          void make(false);
        }}
      >
        <label>
          Client name <input value={name} onChange={(e) => setName(e.target.value)} placeholder="my-agent" maxLength={64} />
        </label>
        <button type="submit" disabled={name.trim() === '' || step.at === 'sending'}>
          Make token
        </button>
      </form>
      {step.at === 'failed' && (
        <div className="action-error" role="alert">
          <p>Could not make a token for "{step.name}": {step.error}</p>
          {/has a token already/.test(step.error) && (
            <button
              type="button"
              className="danger"
              onClick={() => {
                setName(step.name);
                void api.createClientToken({ name: step.name, replace: true }).then(
                  (made) => {
                    setStep({ at: 'made', made: { name: made.name, token: made.token, replaced: made.replaced } });
                    setName('');
                    query.reload();
                  },
                  (error: unknown) => setStep({ at: 'failed', error: message(error), name: step.name }),
                );
              }}
            >
              Replace (the old token stops working)
            </button>
          )}
        </div>
      )}
      {step.at === 'made' && <MadeToken made={step.made} onDone={() => setStep({ at: 'idle' })} />}
    </section>
  );
}

/** The token, once: Airlock keeps only its hash, so it cannot be shown again. */
function MadeToken({ made, onDone }: { made: Made; onDone: () => void }) {
  const [copied, setCopied] = useState<boolean | null>(null);
  return (
    <div className="approval-summary" role="region" aria-label={`Token for "${made.name}"`}>
      <p>
        <strong>{made.replaced ? `Replaced the token of "${made.name}".` : `The token of "${made.name}".`}</strong> Give it to the client now: Airlock keeps only its hash and cannot show it again.
      </p>
      <p>
        <code className="token-value" aria-label="Token">
          {made.token}
        </code>
      </p>
      <div className="toolbar">
        <button type="button" onClick={() => void navigator.clipboard.writeText(made.token).then(() => setCopied(true), () => setCopied(false))}>
          Copy
        </button>
        <button type="button" onClick={onDone}>
          Done
        </button>
        {copied === true && <span role="status">Copied.</span>}
        {copied === false && <span role="status">Could not copy: select the token and copy it yourself.</span>}
      </div>
    </div>
  );
}
