// Enhancements only: every page works without this (and without any script at all).
import { initAll } from '/assets/govuk-frontend.min.js';
import { enhanceAnswerChecks } from '/assets/answer-checks.mjs';
import { enhanceUpload } from '/assets/upload-progress.mjs';

/** GOV.UK Frontend's components and Berkas's enhancements, on the page or on a part put in anew. */
function enhance(scope) {
  initAll({ scope });
  for (const form of scope.querySelectorAll('form[data-check-url]')) enhanceAnswerChecks(form);
  for (const form of scope.querySelectorAll('form[data-upload-form]'))
    enhanceUpload(form, { onReplaced: showPage });
}

/** A page the server answered a script's post with (the form again, with its errors) put in place. */
function showPage(html) {
  const next = new DOMParser().parseFromString(html, 'text/html');
  const main = next.querySelector('main');
  const current = document.querySelector('main');
  if (!main || !current) return void document.location.reload();
  document.title = next.title;
  current.replaceWith(main);
  enhance(main); // the error summary takes the focus, as it does on a page load
}

enhance(document);
