import { EmptyState } from '../../components/states.js';

export function ClientsView() {
  return <EmptyState title="Clients: being built" />;
}
