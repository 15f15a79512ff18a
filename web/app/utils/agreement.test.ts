import { describe, expect, it } from 'vitest';
import { formatAgreement, interpretAgreement } from './agreement.ts';

describe('agreement words', () => {
  it('follows the Landis & Koch bands', () => {
    expect(interpretAgreement(0.1)).toBe('slight agreement');
    expect(interpretAgreement(0.4)).toBe('fair agreement');
    expect(interpretAgreement(0.55)).toBe('moderate agreement');
    expect(interpretAgreement(0.7)).toBe('substantial agreement');
    expect(interpretAgreement(0.95)).toBe('almost perfect agreement');
    expect(interpretAgreement(1)).toBe('almost perfect agreement');
    expect(interpretAgreement(-0.2)).toBe('less than chance');
  });

  it('calls a figure shown as 0.00 no better than chance, not slight agreement', () => {
    expect(interpretAgreement(0)).toBe('no better than chance');
    expect(interpretAgreement(0.004)).toBe('no better than chance');
    expect(interpretAgreement(-0.004)).toBe('no better than chance');
    expect(interpretAgreement(0.01)).toBe('slight agreement');
  });

  it('has no words and a dash for a missing figure', () => {
    expect(interpretAgreement(null)).toBeNull();
    expect(formatAgreement(null)).toBe('—');
    expect(formatAgreement(Number.NaN)).toBe('—');
    expect(formatAgreement(0.7234)).toBe('0.72');
    expect(formatAgreement(-0.1)).toBe('−0.10');
  });
});
