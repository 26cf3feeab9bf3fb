/** Escapes text for HTML element content and attribute values. */
export function esc(value: unknown): string {
  return String(value ?? '').replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}

/**
 * A page light enough for a phone on a slow connection: no scripts, one small inline stylesheet,
 * Indonesian first with English beside it.
 */
export function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title)} · Berkas</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:40rem;padding:1rem;color:#111;background:#fff}
h1{font-size:1.3rem}code{font-size:1.1rem;font-weight:700}
.en{color:#444;font-size:.9em}.box{border:1px solid #888;border-radius:6px;padding:.75rem;margin:1rem 0}
.error{border-color:#b00020;color:#b00020}label{display:block;margin-top:.75rem;font-weight:600}
input,textarea{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #555;border-radius:4px}
button{font:inherit;margin-top:1rem;padding:.6rem 1rem;border:0;border-radius:4px;background:#0b5394;color:#fff}
button.secondary{background:#555}dt{font-weight:600}dd{margin:0 0 .5rem 0}
</style>
</head>
<body>
${body}
</body>
</html>`;
}
