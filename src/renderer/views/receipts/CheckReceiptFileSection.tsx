import { useEffect, useId, useState, type ChangeEvent } from 'react';
import { useHostApi } from '../../host-api-context.js';
import { checkReceiptDocument, parseReceiptFile, trustPin, type ReceiptFileResult } from './receipt-file-check.js';
import { ReceiptFileReport } from './ReceiptFileReport.js';

type Chosen = { name: string; document: unknown } | { name: string; error: string } | null;
type Checked = { document: unknown; pin: string | undefined; result: ReceiptFileResult } | { document: unknown; pin: string | undefined; error: string };

/**
 * Checks a receipt file here in the window, with no Host: every hash recomputed, every signature
 * checked. The trusted key starts as this machine's log key, so a file this Airlock exported is
 * checked against it without the user copying a fingerprint from a terminal.
 */
export function CheckReceiptFileSection() {
  const api = useHostApi();
  const [chosen, setChosen] = useState<Chosen>(null);
  const [trustText, setTrustText] = useState('');
  // This machine's key while the user has not typed their own (null: none yet, or the Host could not say).
  const [machineKey, setMachineKey] = useState<string | null>(null);
  const [typed, setTyped] = useState(false);
  const [checked, setChecked] = useState<Checked | null>(null);
  const { pin, complete } = trustPin(trustText);
  const fileId = useId();
  const trustId = useId();
  const document = chosen !== null && 'document' in chosen ? chosen.document : undefined;

  useEffect(() => {
    if (document === undefined) return;
    let live = true;
    checkReceiptDocument(document, pin).then(
      (result) => live && setChecked({ document, pin, result }),
      (error: unknown) => live && setChecked({ document, pin, error: error instanceof Error ? error.message : String(error) }),
    );
    return () => {
      live = false;
    };
  }, [document, pin]);

  // Asked again for each file: the key is created by the first export or checkpoint, maybe since the view opened.
  useEffect(() => {
    if (typed) return;
    let live = true;
    api.logKey({}).then(
      ({ fingerprint }) => {
        if (!live || fingerprint === null) return;
        setMachineKey(fingerprint);
        setTrustText(fingerprint);
      },
      () => undefined, // the check works without a pin; the field stays as it is
    );
    return () => {
      live = false;
    };
  }, [api, typed, document]);

  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setChecked(null);
    try {
      const parsed = parseReceiptFile(await file.text());
      setChosen(parsed.ok ? { name: file.name, document: parsed.document } : { name: file.name, error: parsed.message });
    } catch (error) {
      setChosen({ name: file.name, error: `Could not read ${file.name}: ${(error as Error).message}` });
    }
  };

  const current = checked !== null && checked.document === document && checked.pin === pin ? checked : null;
  return (
    <section className="panel receipts-section" aria-labelledby="check-file-title">
      <h3 id="check-file-title">Check a receipt file</h3>
      <p className="muted">
        Runs here in the window with no Host: the same checks as <code>airlock verify</code>. Anyone you give the file to can run them too.
      </p>
      <div className="form-grid">
        <label htmlFor={fileId}>Receipt file</label>
        <input id={fileId} type="file" accept="application/json,.json" onChange={(e) => void onFile(e)} />
        <label htmlFor={trustId}>Trusted key fingerprint (optional)</label>
        <div>
          <input
            id={trustId}
            type="text"
            className="mono fingerprint-input"
            placeholder="sha256:…"
            spellCheck={false}
            autoComplete="off"
            value={trustText}
            onChange={(e) => {
              setTyped(true);
              setTrustText(e.target.value);
            }}
            aria-describedby={`${trustId}-hint`}
          />
          <p id={`${trustId}-hint`} className="muted field-hint">
            {trustText.trim() === '' ? (
              'Empty: the file is checked without a trusted key (its signatures are checked, not who made them).'
            ) : complete && machineKey !== null && pin === machineKey ? (
              "This machine's log key, filled in for you: the check also says whether it signed the file. For a file from elsewhere, paste the key its sender gave you, or clear the field."
            ) : complete ? (
              'With a key, the check also says whether that key signed the file.'
            ) : (
              'Not a full fingerprint yet ("sha256:" and 64 hex digits): checking without it.'
            )}
          </p>
        </div>
      </div>
      {chosen !== null && 'error' in chosen && (
        <p className="result result-fail" role="alert">
          {chosen.name}: {chosen.error}
        </p>
      )}
      {chosen !== null && 'document' in chosen && current === null && <p role="status">Checking {chosen.name}…</p>}
      {chosen !== null && current !== null && 'error' in current && (
        <p className="result result-fail" role="alert">
          Could not check {chosen.name}: {current.error}
        </p>
      )}
      {chosen !== null && current !== null && 'result' in current && <ReceiptFileReport fileName={chosen.name} result={current.result} pin={pin} />}
    </section>
  );
}
