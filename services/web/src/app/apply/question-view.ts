import type { FormField } from '@berkas/contracts';
import { formatNumber, translate, type Lang } from '../i18n/catalogue';
import type { Typed } from './form-answers';
import type { RegionPlaces } from './region-places';

/** Longer free text gets a text area; a short code or name a single line. */
const LONG_TEXT = 120;

export type QuestionView =
  | {
      control: 'radios';
      name: string;
      label: string;
      inline: boolean;
      items: Array<{ value: string; text: string; checked: boolean }>;
    }
  | {
      control: 'select';
      name: string;
      label: string;
      /** The first, empty option: what to do. */
      prompt: string;
      /** Options grouped under a heading (kelurahan by kecamatan). */
      groups: Array<{ label: string; options: Array<{ value: string; text: string; selected: boolean }> }>;
    }
  | { control: 'date'; name: string; label: string; day: string; month: string; year: string }
  | { control: 'textarea'; name: string; label: string; value: string; maxLength?: number }
  | {
      control: 'input';
      name: string;
      label: string;
      value: string;
      maxLength?: number;
      hint?: string;
      inputmode?: string;
      numeric: boolean;
    };

/**
 * How each question of a page is asked: the GOV.UK component its type calls for, filled with what was
 * typed. A place question lists the region's kelurahan under their kecamatan.
 */
export function questionViews(
  fields: FormField[],
  typed: Typed,
  lang: Lang,
  places?: RegionPlaces | null,
): QuestionView[] {
  return fields.map((f) => {
    const label = f.required ? f.label[lang] : `${f.label[lang]} (${translate(lang, 'apply.optional')})`;
    const value = typed[f.name] ?? '';
    switch (f.type) {
      case 'boolean':
        return {
          control: 'radios',
          name: f.name,
          label,
          inline: true,
          items: [
            { value: 'true', text: translate(lang, 'apply.yes'), checked: value === 'true' },
            { value: 'false', text: translate(lang, 'apply.no'), checked: value === 'false' },
          ],
        };
      case 'enum':
        return {
          control: 'radios',
          name: f.name,
          label,
          inline: false,
          items: (f.options ?? []).map((o) => ({ value: o, text: o, checked: value === o })),
        };
      case 'area':
        return {
          control: 'select',
          name: f.name,
          label,
          prompt: translate(lang, 'apply.choosePlace'),
          groups: (places?.areas.districts ?? []).map((d) => ({
            label: translate(lang, 'apply.district', { name: d.name }),
            options: d.villages.map((v) => ({ value: v.code, text: v.name, selected: value === v.code })),
          })),
        };
      case 'date': {
        const [year = '', month = '', day = ''] = /^\d{4}-\d{2}-\d{2}$/.test(value) ? value.split('-') : [];
        return { control: 'date', name: f.name, label, day, month, year };
      }
      case 'number':
      case 'integer':
        return {
          control: 'input',
          name: f.name,
          label,
          value,
          numeric: true,
          inputmode: f.type === 'number' ? 'decimal' : 'numeric',
          ...(f.minimum !== undefined && f.maximum !== undefined
            ? {
                hint: translate(lang, 'apply.numberHint', {
                  min: formatNumber(f.minimum, lang),
                  max: formatNumber(f.maximum, lang),
                }),
              }
            : {}),
        };
      default:
        return f.maxLength && f.maxLength > LONG_TEXT
          ? { control: 'textarea', name: f.name, label, value, maxLength: f.maxLength }
          : { control: 'input', name: f.name, label, value, maxLength: f.maxLength, numeric: false };
    }
  });
}
