import { useId, type InputHTMLAttributes } from 'react';
import { sentence } from '../utils/format.ts';

interface Props extends InputHTMLAttributes<HTMLInputElement> {
  label: string;
  name: string;
  errors?: string[] | undefined;
  hint?: string;
}

/** A labelled input with its validation messages tied to it for screen readers. */
export function FormField({ label, name, errors, hint, ...input }: Props) {
  const id = useId();
  const errorId = `${id}-error`;
  const hintId = `${id}-hint`;
  const invalid = Boolean(errors?.length);
  const describedBy = [hint ? hintId : null, invalid ? errorId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} name={name} aria-invalid={invalid || undefined} aria-describedby={describedBy} {...input} />
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {invalid ? (
        <p id={errorId} className="field__error">
          {errors?.map(sentence).join(' ')}
        </p>
      ) : null}
    </div>
  );
}

/** A form-level message (the server's words), announced when it appears. */
export function FormError({ message }: { message: string | null | undefined }) {
  if (!message) return null;
  return (
    <p className="form-error" role="alert">
      {sentence(message)}
    </p>
  );
}
