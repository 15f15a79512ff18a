import { describe, expect, it } from 'vitest';
import { commandForKey, type KeyPress } from './labeling-keys.ts';

const labels = [
  { id: 10, shortcut: '1' },
  { id: 11, shortcut: 'a' },
  { id: 12, shortcut: null },
];

function press(key: string, extra: Partial<KeyPress> = {}): KeyPress {
  return { key, ctrlKey: false, metaKey: false, altKey: false, repeat: false, ...extra };
}

describe('commandForKey', () => {
  it('maps shortcuts to labels, letters case-insensitively', () => {
    expect(commandForKey(press('1'), labels)).toEqual({ kind: 'label', labelId: 10 });
    expect(commandForKey(press('A'), labels)).toEqual({ kind: 'label', labelId: 11 });
    expect(commandForKey(press('2'), labels)).toBeNull();
  });

  it('binds skip and undo to keys no label can use', () => {
    expect(commandForKey(press('ArrowRight'), labels)).toEqual({ kind: 'skip' });
    expect(commandForKey(press('Backspace'), labels)).toEqual({ kind: 'undo' });
    expect(commandForKey(press('z', { ctrlKey: true }), labels)).toEqual({ kind: 'undo' });
    expect(commandForKey(press('z', { metaKey: true }), labels)).toEqual({ kind: 'undo' });
  });

  it('ignores held keys and browser shortcuts', () => {
    expect(commandForKey(press('1', { repeat: true }), labels)).toBeNull();
    expect(commandForKey(press('a', { ctrlKey: true }), labels)).toBeNull();
    expect(commandForKey(press('1', { altKey: true }), labels)).toBeNull();
  });
});
