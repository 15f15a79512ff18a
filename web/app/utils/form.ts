/** A text field of a submitted form; absent or file fields read as ''. */
export function readText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}
