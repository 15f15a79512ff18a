import { describe, expect, it } from 'vitest';
import { resolveByAgreement } from './annotations.ts';

const a = (labelId: number, userId: number) => ({ labelId, userId });

describe('resolveByAgreement', () => {
  it('lets one annotation decide with overlap 1, and names its annotator', () => {
    expect(resolveByAgreement([a(2, 7)], 1)).toEqual({ labelId: 2, method: 'single', resolvedBy: 7 });
    expect(resolveByAgreement([a(2, 7), a(2, 8)], 1)).toEqual({ labelId: 2, method: 'single', resolvedBy: 7 });
  });

  it('leaves disagreeing annotations unresolved even with overlap 1 (the overlap was lowered after they were given)', () => {
    expect(resolveByAgreement([a(2, 7), a(1, 8)], 1)).toBeNull();
  });

  it('waits for as many annotations as the overlap asks', () => {
    expect(resolveByAgreement([a(1, 7)], 2)).toBeNull();
    expect(resolveByAgreement([], 1)).toBeNull();
  });

  it('resolves by agreement once the overlap is reached and everyone agrees', () => {
    expect(resolveByAgreement([a(3, 7), a(3, 8)], 2)).toEqual({ labelId: 3, method: 'agreement', resolvedBy: null });
    expect(resolveByAgreement([a(3, 7), a(3, 8), a(3, 9)], 2)).toEqual({ labelId: 3, method: 'agreement', resolvedBy: null });
  });

  it('leaves a disagreement unresolved, for the reviewers', () => {
    expect(resolveByAgreement([a(3, 7), a(4, 8)], 2)).toBeNull();
    expect(resolveByAgreement([a(3, 7), a(3, 8), a(4, 9)], 2)).toBeNull();
  });
});
