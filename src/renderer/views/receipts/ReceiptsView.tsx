import { useHostQuery } from '../../host-api-context.js';
import { AuditLogSection } from './AuditLogSection.js';
import { CheckReceiptFileSection } from './CheckReceiptFileSection.js';
import { ExportReceiptsSection } from './ExportReceiptsSection.js';
import { VerifyChainSection } from './VerifyChainSection.js';

/** The evidence: the audit log, the Host's chain check, signed receipts to export, and a check of any receipt file. */
export function ReceiptsView() {
  // Only for the server filters: when the list fails, "All servers" still works.
  const servers = useHostQuery((api) => api.servers({}));
  const names = servers.status === 'ready' ? servers.data.map((s) => s.name) : [];
  return (
    <div className="receipts-view">
      <h2>Receipts</h2>
      <AuditLogSection servers={names} />
      <VerifyChainSection />
      <ExportReceiptsSection servers={names} />
      <CheckReceiptFileSection />
    </div>
  );
}
