import { hrefIn, translate, type Lang } from '../i18n/catalogue';
import type { TaskState, Workspace } from './application-workspace';

/** One row of GOV.UK's task list (govukTaskList's items). */
interface TaskItem {
  title: { text: string };
  hint?: { text: string };
  href?: string;
  status: { text: string; classes?: string } | { tag: { text: string; classes: string } };
}

const TAG: Record<TaskState, string> = {
  todo: 'govuk-tag--blue',
  started: 'govuk-tag--light-blue',
  optional: 'govuk-tag--grey',
  done: '',
  blocked: '',
  fix: 'govuk-tag--orange',
};

function status(state: TaskState, lang: Lang): TaskItem['status'] {
  const text = translate(lang, `apply.state.${state}`);
  if (state === 'done') return { text };
  if (state === 'blocked') return { text, classes: 'govuk-task-list__status--cannot-start-yet' };
  return { tag: { text, classes: TAG[state] } };
}

/**
 * The application's task list in three parts: the questions (a row per group), each document the
 * permit type asks for, and checking and sending, which opens once everything required is in.
 */
export function taskList(ws: Workspace, lang: Lang) {
  const at = (path: string) => hrefIn(lang, `/permohonan/${ws.app.id}${path}`);
  const answers: TaskItem[] = ws.pages.map((fields, i) => ({
    title: { text: translate(lang, 'apply.part', { n: i + 1, of: ws.pages.length }) },
    hint: { text: fields.map((f) => f.label[lang]).join(', ') },
    href: at(`/data/${i + 1}`),
    status: status(ws.answers[i], lang),
  }));
  const documents: TaskItem[] = ws.requirements.map((r) => ({
    title: { text: r.requirement.label[lang] },
    ...(r.files.length
      ? {
          hint: {
            text: translate(lang, 'apply.uploaded', { file: r.files.map((f) => f.fileName).join(', ') }),
          },
        }
      : {}),
    href: at(`/dokumen/${r.requirement.kind}`),
    status: status(r.state, lang),
  }));
  const send: TaskItem[] = [
    {
      title: { text: translate(lang, 'apply.checkTitle') },
      ...(ws.ready ? { href: at('/periksa') } : {}),
      status: status(ws.ready ? 'todo' : 'blocked', lang),
    },
  ];
  return { answers, documents, send };
}

/** What the officer asked the applicant to fix, with each answer and document by its label. */
export function correctionView(ws: Workspace, lang: Lang) {
  const asked = ws.app.status === 'returned' ? ws.app.correction : null;
  if (!asked) return null;
  const labelOf = (name: string) => ws.type.form.find((f) => f.name === name)?.label[lang] ?? name;
  const documentOf = (kind: string) =>
    ws.type.requiredDocuments.find((d) => d.kind === kind)?.label[lang] ?? kind;
  return {
    note: asked.note,
    agencyCode: asked.agencyCode,
    returnedAt: asked.returnedAt,
    items: [...asked.fields.map(labelOf), ...asked.documents.map(documentOf)],
  };
}
