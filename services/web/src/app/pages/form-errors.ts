import type { ErrorDetail } from '@berkas/contracts';

/** A posted form's text field: a string (trimmed unless told otherwise), at most `max` characters. */
export function field(body: unknown, name: string, max = 254, trim = true): string {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  if (typeof value !== 'string') return '';
  return (trim ? value.trim() : value).slice(0, max);
}

/** A posted form's repeated field (checkboxes): its distinct values, at most `maxItems` of `max` characters. */
export function fieldList(body: unknown, name: string, maxItems = 50, max = 100): string[] {
  const value = (body as Record<string, unknown> | undefined)?.[name];
  const values = Array.isArray(value) ? value : [value];
  const texts = values.filter((v): v is string => typeof v === 'string' && v.length > 0 && v.length <= max);
  return [...new Set(texts)].slice(0, maxItems);
}

/**
 * The problems of one posted form, by field, in the reader's language: what the error summary lists
 * (each linked to its field, as GOV.UK's pattern asks) and what each field shows under its label.
 */
export class FormErrors {
  private readonly byField = new Map<string, string>();
  /** What a screen reader hears before each field's message ("Kesalahan:"), in the page's language. */
  private hiddenPrefix = 'Error';

  /** Set by the page renderer, which knows the reader's language. */
  inLanguage(prefix: string): this {
    this.hiddenPrefix = prefix;
    return this;
  }

  add(fieldName: string, message: string): this {
    if (!this.byField.has(fieldName)) this.byField.set(fieldName, message);
    return this;
  }

  /** The API's refusals of fields (`/nik`), each told in `wordsFor(field)`; answers whether any matched. */
  addFromApi(details: ErrorDetail[], wordsFor: (fieldName: string) => string | undefined): boolean {
    let matched = false;
    for (const d of details) {
      const name = d.path.replace(/^\//, '').split('/')[0];
      const words = name ? wordsFor(name) : undefined;
      if (words) {
        this.add(name, words);
        matched = true;
      }
    }
    return matched;
  }

  get any(): boolean {
    return this.byField.size > 0;
  }

  /** For govukErrorSummary's errorList. */
  get list(): Array<{ text: string; href: string }> {
    return [...this.byField].map(([name, text]) => ({ text, href: `#${name}` }));
  }

  /** For each field's errorMessage (GOV.UK's macro: the text, and the hidden "Error:" before it). */
  get fields(): Record<string, { text: string }> {
    return Object.fromEntries(
      [...this.byField].map(([name, text]) => [name, { text, visuallyHiddenText: this.hiddenPrefix }]),
    );
  }
}
