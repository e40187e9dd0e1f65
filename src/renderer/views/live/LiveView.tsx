import { EmptyState } from '../../components/states.js';

export function LiveView() {
  return <EmptyState title="Live: being built" />;
}
