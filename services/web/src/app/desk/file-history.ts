import type { Actor, ApplicationHistory, WorkflowDefinition, WorkflowTaskStage } from '@berkas/contracts';
import { translate, type Lang } from '../i18n/catalogue';

type Entry = ApplicationHistory['entries'][number];

/** One line of the file's history as the officer's page shows it. */
export interface HistoryRow {
  at: string;
  what: string;
  /** The stage it happened at, when the step names one. */
  stage: string | null;
  who: string;
  /** In which capacity: the stage's role, and the position held as Plt/Plh. */
  capacity: string | null;
  /** The reason picked from the action's list, in the reader's language. */
  reason: string | null;
  /** The officer's note, a refusal's reason or a payment's reference. */
  said: string | null;
  /** Files the officer attached to the action, each opened from the page. */
  attachments: Array<{ documentId: string; fileName: string }>;
}

const text = (value: unknown) => (typeof value === 'string' && value ? value : null);

/** The files an action's entry names, as far as they are what the entry says they are. */
const attachmentsOf = (value: unknown): HistoryRow['attachments'] =>
  Array.isArray(value)
    ? value.flatMap((a) => {
        const documentId = text((a as Record<string, unknown> | null)?.['documentId']);
        const fileName = text((a as Record<string, unknown> | null)?.['fileName']);
        return documentId && fileName ? [{ documentId, fileName }] : [];
      })
    : [];

/** A reason an action was taken with: its code and words, as the history keeps it. */
const listedReason = (value: unknown, lang: Lang): string | null => {
  const label = (value as { label?: Record<Lang, unknown> } | null)?.label;
  return typeof value === 'object' && label ? text(label[lang]) : null;
};

/** Who acted, in words: the person's name (or what they are) and their agency. */
export function actorWords(actor: Actor, lang: Lang): string {
  const name = actor.name ?? translate(lang, `file.actor.${actor.kind}`);
  return actor.agencyCode ? `${name} (${actor.agencyCode})` : name;
}

/**
 * The application's history in words: each workflow step with its action's and stage's labels as
 * the definition the file follows names them, who took it and in which capacity (the stage's role;
 * "Plt. for …" when acting for a position holder) and what they wrote.
 */
export function historyRows(entries: Entry[], def: WorkflowDefinition, lang: Lang): HistoryRow[] {
  return entries.map((e) => {
    const data = e.data as Record<string, unknown>;
    const stageName = text(data['stage']);
    const stage = stageName ? (def.stages[stageName] as WorkflowTaskStage | undefined) : undefined;
    const action = text(data['action']);
    const actionLabel = action && stage?.actions?.[action]?.label[lang];
    const what =
      (e.type === 'action' || e.type === 'automatic-action') && actionLabel
        ? translate(lang, `file.event.${e.type}`, { action: actionLabel })
        : translate(lang, `file.event.${e.type}`, { to: text(data['toName']) ?? '—' });
    // An action is taken in the stage's role; other steps (a supervisor's reassignment) name none.
    const role =
      e.type === 'action' && e.actor.kind === 'staff' && stage?.owner
        ? translate(lang, `desk.role.${stage.owner.role}`)
        : null;
    const acting =
      e.actor.actingAs && e.actor.onBehalfOfName
        ? translate(lang, `file.acting.${e.actor.actingAs}`, { holder: e.actor.onBehalfOfName })
        : null;
    return {
      at: e.occurredAt,
      what,
      stage: stage?.label[lang] ?? null,
      who: actorWords(e.actor, lang),
      capacity: [role, acting].filter(Boolean).join(', ') || null,
      reason: listedReason(data['reason'], lang),
      said: text(data['note']) ?? text(data['reason']) ?? text(data['reference']),
      attachments: attachmentsOf(data['attachments']),
    };
  });
}
