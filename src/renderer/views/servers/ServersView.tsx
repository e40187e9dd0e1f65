import { EmptyState } from '../../components/states.js';

export function ServersView() {
  return <EmptyState title="Servers: being built" />;
}
