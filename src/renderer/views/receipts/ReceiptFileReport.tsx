import type { VerifyFailure } from '../../../shared/receipt/verify-bundle.js';
import type { ReceiptFileResult } from './receipt-file-check.js';

function FailureList({ failures }: { failures: readonly VerifyFailure[] }) {
  return (
    <ul className="failure-list">
      {failures.map((f, i) => (
        <li key={i}>
          <code>{f.check}</code>: {f.message}
        </li>
      ))}
    </ul>
  );
}

/** Pass or fail for the file and for each receipt, with every failing check in words. */
export function ReceiptFileReport({ fileName, result, pin }: { fileName: string; result: ReceiptFileResult; pin: string | undefined }) {
  const { report, receipts, fileFailures } = result;
  const failedReceipts = receipts.filter((r) => r.failures.length > 0).length;
  return (
    <div className="receipt-report">
      {report.ok ? (
        <p className="result result-pass" role="status">
          Pass: {fileName} holds {receipts.length} {receipts.length === 1 ? 'receipt' : 'receipts'}, and every check passed.
        </p>
      ) : (
        <div className="result result-fail" role="alert">
          <p>
            Fail: {fileName} does not check out. {failedReceipts} of {receipts.length} {receipts.length === 1 ? 'receipt' : 'receipts'} failed
            {fileFailures.length > 0 && `, and the file itself has ${fileFailures.length} ${fileFailures.length === 1 ? 'problem' : 'problems'}`}.
          </p>
          {fileFailures.length > 0 && <FailureList failures={fileFailures} />}
        </div>
      )}
      {pin === undefined ? (
        <p className="muted">
          No trusted key given: valid signatures show the file was not changed after it was signed, not who signed it. Enter your log key fingerprint to check that too.
        </p>
      ) : (
        report.trusted && (
          <p>
            Signed by the key you trust (<code>{pin}</code>) or a key it rotated to.
          </p>
        )
      )}
      {receipts.length > 0 && (
        <div className="table-scroll">
          <table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Type</th>
                <th scope="col">Server</th>
                <th scope="col">Tool</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {receipts.map((r, i) => (
                <tr key={`${r.id}#${i}`}>
                  <td title={r.id}>{r.seq ?? r.id}</td>
                  <td className="mono">{r.type ?? '—'}</td>
                  <td>{r.server ?? '—'}</td>
                  <td className="mono">{r.tool ?? '—'}</td>
                  <td>
                    {r.failures.length === 0 ? (
                      <span className="verdict verdict-pass">pass</span>
                    ) : (
                      <>
                        <span className="verdict verdict-fail">fail</span>
                        <FailureList failures={r.failures} />
                      </>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
