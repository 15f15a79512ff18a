import { useState } from 'react';
import { normalizeShortcut, previewShortcuts } from '../utils/shortcuts.ts';

interface Row {
  key: number;
  name: string;
  shortcut: string;
}

let nextKey = 0;
const emptyRow = (): Row => ({ key: nextKey++, name: '', shortcut: '' });

/**
 * Rows of label name + optional shortcut, submitted as parallel `labelName` / `labelShortcut`
 * fields. A blank shortcut shows (greyed) the default the server will assign.
 */
export function LabelSetEditor({ errors }: { errors?: string[] | undefined }) {
  const [rows, setRows] = useState<Row[]>(() => [emptyRow(), emptyRow()]);
  const defaults = previewShortcuts(rows.map((r) => r.shortcut || undefined));
  const update = (key: number, patch: Partial<Row>) => setRows((all) => all.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  const remove = (key: number) => setRows((all) => (all.length > 1 ? all.filter((r) => r.key !== key) : all));
  return (
    <fieldset className="label-editor" aria-describedby={errors?.length ? 'label-editor-error' : undefined}>
      <legend>Labels</legend>
      <p className="field__hint">Each label gets a keyboard key for fast labeling. Leave the key empty to use the next free one.</p>
      <ol className="label-editor__rows">
        {rows.map((row, index) => (
          <li key={row.key} className="label-editor__row">
            <label className="visually-hidden" htmlFor={`label-name-${row.key}`}>
              Label {index + 1} name
            </label>
            <input
              id={`label-name-${row.key}`}
              name="labelName"
              value={row.name}
              placeholder={index === 0 ? 'e.g. Positive' : index === 1 ? 'e.g. Negative' : 'Label name'}
              maxLength={100}
              onChange={(e) => update(row.key, { name: e.target.value })}
            />
            <label className="visually-hidden" htmlFor={`label-key-${row.key}`}>
              Label {index + 1} shortcut key
            </label>
            <input
              id={`label-key-${row.key}`}
              name="labelShortcut"
              className="label-editor__key"
              value={row.shortcut}
              placeholder={defaults[index] ?? ''}
              maxLength={1}
              autoComplete="off"
              onChange={(e) => update(row.key, { shortcut: normalizeShortcut(e.target.value) })}
            />
            <button type="button" className="button button--quiet" onClick={() => remove(row.key)} disabled={rows.length <= 1} aria-label={`Remove label ${index + 1}`}>
              Remove
            </button>
          </li>
        ))}
      </ol>
      <button type="button" className="button" onClick={() => setRows((all) => [...all, emptyRow()])}>
        Add label
      </button>
      {errors?.length ? (
        <p id="label-editor-error" className="field__error">
          {errors.join(' ')}
        </p>
      ) : null}
    </fieldset>
  );
}
