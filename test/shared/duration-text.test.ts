import { describe, expect, it } from 'vitest';
import { durationText } from '../../src/shared/duration-text.js';

describe('durationText', () => {
  it('says milliseconds, seconds, minutes and hours as a person would', () => {
    expect(durationText(0.4)).toBe('0 ms');
    expect(durationText(320.4)).toBe('320 ms');
    expect(durationText(1500)).toBe('1.5 s');
    expect(durationText(45_700)).toBe('45.7 s');
    expect(durationText(45_000)).toBe('45 s');
    expect(durationText(120_000)).toBe('2 min');
    expect(durationText(125_000)).toBe('2 min 5 s');
    expect(durationText(3_840_000)).toBe('1 h 4 min');
  });

  it('never shows a negative or unreadable duration', () => {
    expect(durationText(-5)).toBe('0 ms');
    expect(durationText(Number.NaN)).toBe('0 ms');
  });
});
