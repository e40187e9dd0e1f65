import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { HostApiProvider } from '../../src/renderer/host-api-context.js';
import { ReviewView } from '../../src/renderer/views/review/ReviewView.js';
import { fakeHost } from './fake-host-api.js';
import { finding, reviewItem } from './fixtures/review-items.js';

/** The button a hurried eye lands on is never Approve when the change is dangerous. */

async function answerButtons(severity: 'low' | 'medium' | 'high' | 'critical') {
  const host = fakeHost({ review: () => [reviewItem({ findings: [finding({ severity })] })] });
  render(
    <HostApiProvider api={host.api}>
      <ReviewView />
    </HostApiProvider>,
  );
  const detail = await screen.findByRole('article', { name: 'Focused item' });
  return { approve: within(detail).getByRole('button', { name: /^Approve/ }), quarantine: within(detail).getByRole('button', { name: /^Quarantine/ }) };
}

describe('the answer buttons of a review item', () => {
  it.each(['high', 'critical'] as const)('does not make Approve the primary button on a %s item', async (severity) => {
    const { approve, quarantine } = await answerButtons(severity);
    expect(approve.className).not.toContain('primary');
    expect(quarantine.className).toContain('danger');
  });

  it.each(['low', 'medium'] as const)('keeps Approve primary on a %s item', async (severity) => {
    const { approve } = await answerButtons(severity);
    expect(approve.className).toContain('primary');
  });
});
