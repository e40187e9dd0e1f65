import { EmptyState } from '../../components/states.js';

export function ReviewView() {
  return <EmptyState title="Review: being built" />;
}
