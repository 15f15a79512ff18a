import { Fragment } from 'react';

/**
 * An OpenAPI description as text, with its `code spans` (the only Markdown the document uses) shown
 * as code rather than as literal backticks.
 */
export function Described({ text }: { text: string | undefined }) {
  if (!text) return null;
  // split with a capture group: odd-numbered parts are what stood between backticks.
  return (
    <>
      {text.split(/`([^`]+)`/).map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : <Fragment key={i}>{part}</Fragment>))}
    </>
  );
}
