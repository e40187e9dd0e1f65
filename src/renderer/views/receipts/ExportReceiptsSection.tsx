import { useEffect, useState } from 'react';
import type { Decision } from '../../../shared/host-api/index.js';
import { DecisionSchema } from '../../../shared/host-api/index.js';
import { useHostApi } from '../../host-api-context.js';
import { receiptsFileName } from './receipts-file-name.js';
import { ServerSelect } from './ServerSelect.js';

type Exported = { at: 'idle' } | { at: 'sending' } | { at: 'ready'; url: string; fileName: string; receipts: number } | { at: 'empty' } | { at: 'failed'; error: string };

/** Exports signed receipts as a file anyone can check without Airlock (`airlock verify`, or the check below). */
export function ExportReceiptsSection({ servers }: { servers: readonly string[] }) {
  const api = useHostApi();
  const [server, setServer] = useState('');
  const [decision, setDecision] = useState<Decision | ''>('');
  const [exported, setExported] = useState<Exported>({ at: 'idle' });
  const url = exported.at === 'ready' ? exported.url : null;
  // The file lives in memory until the next export or until the view closes.
  useEffect(() => () => (url === null ? undefined : URL.revokeObjectURL(url)), [url]);

  const run = async () => {
    setExported({ at: 'sending' });
    try {
      const bundle = await api.receiptsExport({ ...(server !== '' ? { server } : {}), ...(decision !== '' ? { decision } : {}) });
      if (bundle.receipts.length === 0) {
        setExported({ at: 'empty' });
        return;
      }
      const blob = new Blob([JSON.stringify(bundle, null, 2)], { type: 'application/json' });
      setExported({ at: 'ready', url: URL.createObjectURL(blob), fileName: receiptsFileName(new Date()), receipts: bundle.receipts.length });
    } catch (error) {
      setExported({ at: 'failed', error: error instanceof Error ? error.message : String(error) });
    }
  };

  return (
    <section className="panel receipts-section" aria-labelledby="export-title">
      <h3 id="export-title">Export receipts</h3>
      <div className="toolbar">
        <ServerSelect label="Server" servers={servers} value={server} onChange={setServer} />
        <label>
          Decision{' '}
          <select value={decision} onChange={(e) => setDecision(e.target.value as Decision | '')}>
            <option value="">All decisions</option>
            {DecisionSchema.options.map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => void run()} disabled={exported.at === 'sending'}>
          Export receipts
        </button>
      </div>
      {exported.at === 'sending' && <p role="status">Exporting…</p>}
      {exported.at === 'ready' && (
        <p role="status">
          {exported.receipts} {exported.receipts === 1 ? 'receipt' : 'receipts'} ready:{' '}
          <a href={exported.url} download={exported.fileName}>
            Download {exported.fileName}
          </a>
        </p>
      )}
      {exported.at === 'empty' && <p role="status">No receipts match these filters: nothing to export.</p>}
      {exported.at === 'failed' && (
        <p className="result result-fail" role="alert">
          Could not export receipts: {exported.error}
        </p>
      )}
    </section>
  );
}
