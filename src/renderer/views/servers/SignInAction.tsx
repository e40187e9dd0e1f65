import { useState } from 'react';
import type { SignInStateValue } from '../../../shared/host-api/index.js';
import { useHostApi } from '../../host-api-context.js';

type Step = { at: 'idle' } | { at: 'waiting' } | { at: 'failed'; error: string };

/** What each sign-in state means to the user, and what to do about it. */
export const SIGN_IN_WORDS: Record<SignInStateValue, string> = {
  'signed-in': 'Signed in',
  expired: 'Sign-in expired: calls to this server wait until you sign in again',
  'signed-out': 'Signed out: this server asks for a sign-in, and its calls wait for one',
  'not-needed': 'No sign-in asked for',
};

/**
 * Sign in (the Host opens the server's consent page in your browser and waits for it to come
 * back) or sign out (its tokens are forgotten, and revoked where the server offers that).
 */
export function SignInAction({ server, state, onDone }: { server: string; state: SignInStateValue; onDone: (notice: string) => void }) {
  const api = useHostApi();
  const [step, setStep] = useState<Step>({ at: 'idle' });
  const run = async (what: 'in' | 'out') => {
    setStep({ at: 'waiting' });
    try {
      if (what === 'in') {
        const result = await api.signIn({ server });
        onDone(result.outcome === 'not-needed' ? `"${server}" answers without a sign-in.` : `Signed in to "${server}". Calls that waited for the sign-in go on.`);
      } else {
        const result = await api.signOut({ server });
        onDone(result.forgotten ? `Signed out of "${server}": its tokens are deleted from Airlock.` : `"${server}" had no sign-in.`);
      }
      setStep({ at: 'idle' });
    } catch (error) {
      setStep({ at: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  };
  return (
    <div className="action">
      {state === 'signed-in' ? (
        <button type="button" disabled={step.at === 'waiting'} onClick={() => void run('out')}>
          Sign out
        </button>
      ) : (
        <button type="button" className={state === 'not-needed' ? undefined : 'primary'} disabled={step.at === 'waiting'} onClick={() => void run('in')}>
          Sign in
        </button>
      )}
      {step.at === 'waiting' && (
        <span className="muted" role="status">
          {' '}
          Finish in your browser…
        </span>
      )}
      {step.at === 'failed' && (
        <p className="action-error" role="alert">
          Could not sign {state === 'signed-in' ? 'out of' : 'in to'} "{server}": {step.error}
        </p>
      )}
    </div>
  );
}
