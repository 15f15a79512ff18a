import { describe, expect, it } from 'vitest';
import { readSettingsForm } from './learning-settings.ts';

function formOf(fields: Record<string, string>): FormData {
  const form = new FormData();
  for (const [key, value] of Object.entries(fields)) form.append(key, value);
  return form;
}

const valid = {
  strategy: 'margin',
  headKind: 'mlp',
  trainEveryLabels: '25',
  trainAfterSeconds: '60',
  showModelGuess: 'on',
  overlap: '2',
  leaseSeconds: '300',
  rareClassThreshold: '10',
  checkEvery: '10',
  feedbackBelowConfidence: '50',
};

describe('readSettingsForm', () => {
  it('reads a complete form', () => {
    expect(readSettingsForm(formOf(valid))).toEqual({
      ok: true,
      settings: { strategy: 'margin', headKind: 'mlp', trainEveryLabels: 25, trainAfterSeconds: 60, showModelGuess: true, overlap: 2, leaseSeconds: 300, rareClassThreshold: 10, checkEvery: 10, feedbackBelowConfidence: 0.5, feedbackWhenDrifted: false },
    });
  });

  it('reads an empty check-sample interval as off and refuses 1', () => {
    const off = readSettingsForm(formOf({ ...valid, checkEvery: '' }));
    expect(off.ok && off.settings.checkEvery).toBeNull();
    const every = readSettingsForm(formOf({ ...valid, checkEvery: '1' }));
    expect(every.ok).toBe(false);
    if (!every.ok) expect(Object.keys(every.fieldErrors)).toEqual(['checkEvery']);
  });

  it('reads an absent checkbox as off', () => {
    const { showModelGuess: _, ...rest } = valid;
    const result = readSettingsForm(formOf(rest));
    expect(result.ok && result.settings.showModelGuess).toBe(false);
  });

  it('names each bad field', () => {
    const result = readSettingsForm(formOf({ ...valid, strategy: 'psychic', trainEveryLabels: '0', trainAfterSeconds: '1.5', overlap: '6' }));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(Object.keys(result.fieldErrors).sort()).toEqual(['overlap', 'strategy', 'trainAfterSeconds', 'trainEveryLabels']);
  });
});
