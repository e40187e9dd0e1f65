import { useMemo, useState } from 'react';
import { crashReportText, type CrashReport } from '../../shared/host-api/index.js';
import { useHostApi, useHostQuery } from '../host-api-context.js';

/**
 * Tells the user Airlock crashed (or a part of it failed while it kept running) and kept local reports, and lets them see each exactly as it
 * would be shared, copy it, save it, or delete it. Nothing here sends anything anywhere.
 * A Host that cannot list reports (an older one) shows nothing.
 */
export function CrashReportNotice() {
  const reports = useHostQuery((api) => api.crashReports({}));
  if (reports.status !== 'ready' || reports.data.length === 0) return null;
  const since = reports.data.map((r) => r.firstSeen).sort()[0]!.slice(0, 10);
  return (
    <section className="notice crash-notice" aria-labelledby="crash-notice-title">
      <h2 id="crash-notice-title">{noticeTitle(reports.data, since)}</h2>
      <p>
        A report of each one stays on this computer. Airlock never sends it: it holds only versions, the error and where in Airlock it happened, with paths,
        names, secrets and values replaced. Share it if you choose to, or delete it.
      </p>
      <ul>
        {reports.data.map((report) => (
          <CrashReportRow key={report.id} report={report} onDeleted={reports.reload} />
        ))}
      </ul>
    </section>
  );
}

const times = (n: number): string => (n === 1 ? '1 time' : `${n} times`);

/** A failure the process lived through (kind `failure`) is not called a crash. */
function noticeTitle(reports: readonly CrashReport[], since: string): string {
  const count = (kind: 'crash' | 'failure'): number => reports.filter((r) => (r.kind ?? 'crash') === kind).reduce((n, r) => n + r.count, 0);
  const crashes = count('crash');
  const failures = count('failure');
  if (failures === 0) return `Airlock crashed ${times(crashes)} since ${since}`;
  if (crashes === 0) return `A part of Airlock failed ${times(failures)} since ${since} while Airlock kept running`;
  return `Airlock crashed ${times(crashes)}, and a part of it failed ${times(failures)} while it kept running, since ${since}`;
}

type Status = { at: 'idle' } | { at: 'copied' } | { at: 'failed'; error: string };

function CrashReportRow({ report, onDeleted }: { report: CrashReport; onDeleted: () => void }) {
  const api = useHostApi();
  const [open, setOpen] = useState(false);
  const [status, setStatus] = useState<Status>({ at: 'idle' });
  const text = useMemo(() => crashReportText(report), [report]);

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setStatus({ at: 'copied' });
    } catch (error) {
      setStatus({ at: 'failed', error: `could not copy (${error instanceof Error ? error.message : String(error)}); select the text of Show report instead` });
    }
  };
  // A download of the exact text, made when asked for: the browser's (or the app's) save dialog.
  const save = () => {
    const url = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
    const link = document.createElement('a');
    link.href = url;
    link.download = `airlock-crash-${report.id}.json`;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };
  const remove = async () => {
    try {
      await api.deleteCrashReport({ id: report.id });
      onDeleted();
    } catch (error) {
      setStatus({ at: 'failed', error: `could not delete it: ${error instanceof Error ? error.message : String(error)}` });
    }
  };

  const what = `${report.error.class ?? 'An error'} in ${report.component}${report.kind === 'failure' ? ' (Airlock kept running)' : ''}`;
  return (
    <li aria-label={`crash report ${report.id}`}>
      {what}, {report.count === 1 ? 'once' : `${report.count} times`}, last on {report.lastSeen.slice(0, 10)}{' '}
      <button type="button" aria-expanded={open} onClick={() => setOpen((o) => !o)}>
        {open ? 'Hide report' : 'Show report'}
      </button>{' '}
      <button type="button" onClick={() => void copy()}>
        Copy
      </button>{' '}
      <button type="button" onClick={save}>
        Save…
      </button>{' '}
      <button type="button" onClick={() => void remove()}>
        Delete
      </button>
      {status.at === 'copied' && <span role="status"> Copied. Nothing was sent.</span>}
      {status.at === 'failed' && <span role="alert"> {status.error}</span>}
      {open && <pre aria-label={`the exact report ${report.id}`}>{text}</pre>}
    </li>
  );
}
