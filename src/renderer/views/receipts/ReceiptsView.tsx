import { EmptyState } from '../../components/states.js';

export function ReceiptsView() {
  return <EmptyState title="Receipts: being built" />;
}
