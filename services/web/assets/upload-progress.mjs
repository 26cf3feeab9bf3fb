// Sends an upload form's files with a progress bar: on a slow connection a large drawing takes
// minutes, and a page that only spins looks broken. The form is the same one that works without
// scripts; this posts it itself (XMLHttpRequest, the one browser API that reports upload progress)
// and then shows what the server answered: the next page, or this page again with its errors.

export function enhanceUpload(form, { onReplaced }) {
  const input = form.querySelector('input[type="file"]');
  const button = form.querySelector('button[type="submit"]');
  if (!input || !button) return;
  const meter = document.createElement('progress');
  meter.max = 100;
  meter.value = 0;
  meter.className = 'app-upload-progress';
  const status = document.createElement('p');
  status.className = 'govuk-body';
  status.setAttribute('role', 'status');
  status.tabIndex = -1; // holds the focus while the button is disabled
  const wrap = document.createElement('div');
  wrap.hidden = true;
  wrap.append(meter, status);
  meter.setAttribute('aria-label', form.dataset.progressLabel);
  button.before(wrap);

  form.addEventListener('submit', (event) => {
    if (!input.files?.length) return; // nothing chosen: the server says so, the plain way
    event.preventDefault();
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.action);
    xhr.responseType = 'text';
    // The bar moves with every step; the words (read out by screen readers) only each quarter.
    let told = -1;
    const say = (percent) => {
      meter.value = percent;
      const quarter = Math.floor(percent / 25) * 25;
      if (quarter === told) return;
      told = quarter;
      status.textContent = form.dataset.progress.replace('{percent}', String(quarter));
    };
    const failed = () => {
      status.textContent = form.dataset.failed;
      button.disabled = false;
      button.focus();
    };
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) say(Math.min(99, Math.floor((e.loaded / e.total) * 100)));
    });
    xhr.addEventListener('load', () => {
      say(100);
      // A redirect (303) means the files were taken: go where it leads, as the plain form would.
      if (xhr.responseURL && xhr.responseURL !== form.action) return window.location.assign(xhr.responseURL);
      onReplaced(xhr.responseText);
    });
    for (const ended of ['error', 'abort', 'timeout']) xhr.addEventListener(ended, failed);
    wrap.hidden = false;
    say(0);
    status.focus();
    button.disabled = true;
    xhr.send(new FormData(form));
  });
}
