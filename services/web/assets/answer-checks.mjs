// Checks a question page's answers as they change, with the server's own rules and words (POST
// data-check-url, which saves nothing), and shows a mistake under its question the way the page
// does after sending. Only questions the person has changed are marked, so moving through the
// page with Tab never shows "required" for a question not reached yet; a fixed answer clears.
// Sending the page stays the check that counts.

/** The question a control belongs to: its name, less a date part's suffix. */
const questionOf = (control) => control.name?.replace(/-(day|month|year)$/, '') || null;

export function enhanceAnswerChecks(form) {
  const url = form.dataset.checkUrl;
  const prefix = form.dataset.errorPrefix || 'Error';
  const changed = new Set();
  const live = document.createElement('div');
  live.className = 'govuk-visually-hidden';
  live.setAttribute('aria-live', 'polite');
  form.append(live);
  let latest = 0;

  // A date is three boxes: it is checked once all three are filled or the person leaves it, never
  // while they are still between the day and the year.
  const dateParts = (control) => control.closest('.govuk-date-input')?.querySelectorAll('input') ?? [];
  const dateDone = (control, leaving) => {
    const parts = [...dateParts(control)];
    if (!parts.length) return true;
    if (parts.every((p) => p.value.trim())) return true;
    return leaving && parts.some((p) => p.value.trim());
  };
  form.addEventListener('focusout', (event) => {
    const group = event.target.closest?.('.govuk-date-input');
    if (group && !group.contains(event.relatedTarget) && dateDone(event.target, true))
      void check(questionOf(event.target));
  });
  form.addEventListener('change', (event) => {
    if (dateDone(event.target, false)) void check(questionOf(event.target));
  });

  async function check(name) {
    if (!name || name === '_csrf') return;
    changed.add(name);
    const asked = ++latest;
    let errors;
    try {
      const reply = await fetch(url, {
        method: 'POST',
        body: new URLSearchParams(new FormData(form)),
        headers: { accept: 'application/json' },
        credentials: 'same-origin',
      });
      if (!reply.ok) return; // signed out, or the server busy: sending the page will say
      ({ errors } = await reply.json());
    } catch {
      return; // offline for a moment: nothing to add
    }
    if (asked !== latest) return; // a newer answer's check is on its way
    for (const question of changed) show(question, errors[question]);
    if (errors[name]) live.textContent = errors[name];
  }

  function show(name, message) {
    const anchor = document.getElementById(name);
    const group = anchor?.closest('.govuk-form-group');
    if (!group) return;
    const id = `${name}-error`;
    let shown = document.getElementById(id);
    const controls = group.querySelectorAll(
      'input.govuk-input, textarea.govuk-textarea, select.govuk-select',
    );
    const described = group.querySelector('fieldset') ?? controls[0];
    if (message) {
      if (!shown) {
        shown = document.createElement('p');
        shown.id = id;
        shown.className = 'govuk-error-message';
        const before = group.querySelector(
          '.govuk-input__wrapper, .govuk-date-input, .govuk-radios, input.govuk-input, textarea.govuk-textarea, select.govuk-select',
        );
        before?.parentNode.insertBefore(shown, before);
        described?.setAttribute(
          'aria-describedby',
          [described.getAttribute('aria-describedby'), id].filter(Boolean).join(' '),
        );
      }
      const hidden = document.createElement('span');
      hidden.className = 'govuk-visually-hidden';
      hidden.textContent = `${prefix}:`;
      shown.replaceChildren(hidden, ` ${message}`);
    } else if (shown) {
      shown.remove();
      const rest = (described?.getAttribute('aria-describedby') ?? '')
        .split(' ')
        .filter((d) => d && d !== id);
      if (rest.length) described.setAttribute('aria-describedby', rest.join(' '));
      else described?.removeAttribute('aria-describedby');
    }
    group.classList.toggle('govuk-form-group--error', !!message);
    const errorClass = { TEXTAREA: 'govuk-textarea--error', SELECT: 'govuk-select--error' };
    for (const c of controls) c.classList.toggle(errorClass[c.tagName] ?? 'govuk-input--error', !!message);
  }
}
