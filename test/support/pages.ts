import request from 'supertest';

/** The session cookie a response set (`name=value`, for a Cookie header) and its attributes. */
export function sessionCookie(res: request.Response): { pair: string; attributes: string } {
  const raw = ([] as string[])
    .concat(res.headers['set-cookie'] ?? [])
    .find((c) => c.startsWith('berkas.sid='));
  if (!raw) throw new Error(`no session cookie in ${JSON.stringify(res.headers)}`);
  const [pair, ...attributes] = raw.split(';');
  return { pair, attributes: attributes.join(';') };
}

/** The CSRF token of the first form on a page. */
export function csrfIn(html: string): string {
  const token = /name="_csrf" value="([0-9a-f]+)"/.exec(html)?.[1];
  if (!token) throw new Error('the page has no CSRF field');
  return token;
}

/**
 * Posts the sign-in form of the pages at `web` as a browser would (its session cookie and CSRF
 * token from the form page first); answers the response (303 on success) and the cookie to go on
 * with: the signed-in session's, or the anonymous one when sign-in was refused.
 */
export async function postSignIn(
  web: string,
  username: string,
  password: string,
  options: { next?: string; clientAddress?: string } = {},
): Promise<{ res: request.Response; cookie: string }> {
  const headers = options.clientAddress ? { 'x-forwarded-for': options.clientAddress } : {};
  const form = await request(web)
    .get('/masuk')
    .query(options.next ? { next: options.next } : {})
    .set(headers)
    .expect(200);
  const anonymous = sessionCookie(form).pair;
  const res = await request(web)
    .post('/masuk')
    .set(headers)
    .set('cookie', anonymous)
    .type('form')
    .send({ _csrf: csrfIn(form.text), username, password, ...(options.next ? { next: options.next } : {}) });
  return { res, cookie: res.status === 303 ? sessionCookie(res).pair : anonymous };
}
