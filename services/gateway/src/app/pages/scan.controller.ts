import { ApiExcludeController } from '@nestjs/swagger';
import { Body, Controller, Get, Param, Post, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@berkas/auth';
import { AppError, type HandoffReceipt, type PublicView } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { RequestContext } from '@berkas/observability';
import { RateLimit } from '../protection/rate-limit';
import { PublicViewCache } from '../tracking/public-view-cache';
import { esc, page } from './html';

interface ReceiveForm {
  username?: string;
  password?: string;
  action?: string;
  reason?: string;
}

const STATUS: Record<string, string> = {
  open: 'Sedang diproses <span class="en">(in progress)</span>',
  'in-transit': 'Dalam pengiriman <span class="en">(in transit)</span>',
  closed: 'Selesai <span class="en">(closed)</span>',
};

/**
 * Where a paper dossier's QR code leads. Anyone sees where the file is; the officer of the agency it
 * was sent to signs in on the same page and receives (or refuses) it, and gets the receipt. Plain
 * HTML forms: it has to work on a phone at a counter, on a slow connection.
 */
@ApiExcludeController() // a page for people, not part of the JSON API
@Controller('berkas')
export class ScanController {
  constructor(
    private readonly services: ServiceClient,
    private readonly publicViews: PublicViewCache,
  ) {}

  @Public()
  @RateLimit('lookups')
  @Get(':trackingNumber')
  async show(@Param('trackingNumber') trackingNumber: string, @Res() res: Response): Promise<void> {
    await this.render(res, trackingNumber);
  }

  @Public()
  @RateLimit('sign-ins')
  @Post(':trackingNumber')
  async receive(
    @Param('trackingNumber') trackingNumber: string,
    @Body() form: ReceiveForm,
    @Res() res: Response,
  ): Promise<void> {
    try {
      if (!form.username || !form.password)
        throw new AppError(
          'VALIDATION_FAILED',
          400,
          'Isi NIP/email dan kata sandi (enter your NIP or email and password)',
        );
      const { accessToken } = await this.services.request('identity.auth.login', {
        username: form.username.slice(0, 254),
        password: form.password.slice(0, 256),
      });
      const ctx = RequestContext.current();
      if (ctx) ctx.accessToken = accessToken; // the next calls act as the officer who signed in
      const dossier = await this.services.request('tracking.dossiers.get', { trackingNumber });
      if (!dossier.inTransit)
        throw new AppError(
          'NOT_IN_TRANSIT',
          409,
          'Berkas ini tidak sedang dikirim (this dossier is not in transit)',
        );
      const receipt =
        form.action === 'refuse'
          ? await this.services.request('tracking.handoffs.refuse', {
              id: dossier.inTransit.handoffId,
              reason: (form.reason ?? '').slice(0, 2000),
            })
          : await this.services.request('tracking.handoffs.receive', { id: dossier.inTransit.handoffId });
      res
        .status(200)
        .type('html')
        .send(
          page({
            lang: 'id',
            title: `Tanda terima ${receipt.trackingNumber}`,
            body: receiptHtml(receipt),
            here: { path: `/berkas/${encodeURIComponent(trackingNumber)}` },
          }),
        );
    } catch (e) {
      const error =
        e instanceof AppError ? e : new AppError('INTERNAL', 500, 'Terjadi kesalahan (something went wrong)');
      await this.render(res, trackingNumber, error);
    }
  }

  private async render(res: Response, trackingNumber: string, error?: AppError): Promise<void> {
    let view: PublicView | null = null;
    try {
      view = await this.publicViews.lookup(trackingNumber);
    } catch (e) {
      error ??= e instanceof AppError ? e : undefined;
    }
    const status = error?.status ?? 200;
    res
      .status(status)
      .type('html')
      .send(
        page({
          lang: 'id', // the counter page says everything in both languages
          title: `Berkas ${view?.trackingNumber ?? trackingNumber}`,
          body: dossierHtml(trackingNumber, view, error),
          here: { path: `/berkas/${encodeURIComponent(trackingNumber)}` },
        }),
      );
  }
}

function dossierHtml(trackingNumber: string, view: PublicView | null, error?: AppError): string {
  const errorBox = error ? `<p class="box error" role="alert">${esc(error.message)}</p>` : '';
  // Unknown and confidential numbers look alike; the officer it was sent to signs in to see it.
  if (!view)
    return `<h1>Berkas <span class="en">Dossier</span></h1>${errorBox}${error?.status === 404 ? receiveForm : ''}`;
  const form = view.status === 'in-transit' ? receiveForm : '';
  return `<h1>Berkas <code>${esc(view.trackingNumber)}</code></h1>
${errorBox}
<dl class="box">
<dt>Status</dt><dd>${STATUS[view.status] ?? esc(view.status)}</dd>
<dt>Dipegang oleh <span class="en">(held by)</span></dt><dd>${esc(view.holder.name)} (${esc(view.holder.code)})</dd>
${view.dueAt ? `<dt>Batas waktu <span class="en">(due)</span></dt><dd>${esc(view.dueAt)}</dd>` : ''}
</dl>
${form}
<p><a href="/api/v1/track/${encodeURIComponent(trackingNumber)}">Data lengkap (JSON)</a></p>`;
}

const receiveForm = `<form method="post" class="box">
<h2>Terima berkas <span class="en">Receive this dossier</span></h2>
<label for="username">NIP atau email <span class="en">(NIP or email)</span></label>
<input id="username" name="username" autocomplete="username" required>
<label for="password">Kata sandi <span class="en">(password)</span></label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<label for="reason">Alasan bila ditolak <span class="en">(reason, if refusing)</span></label>
<textarea id="reason" name="reason" rows="2"></textarea>
<button name="action" value="receive">Terima <span class="en">(receive)</span></button>
<button name="action" value="refuse" class="secondary">Tolak <span class="en">(refuse)</span></button>
</form>`;

function receiptHtml(r: HandoffReceipt): string {
  const items = r.items
    .map(
      (i) =>
        `<li>${esc(i.description)}${i.quantity ? ` × ${i.quantity}` : ''}${i.sha256 ? ` <small>sha256 ${esc(i.sha256.slice(0, 16))}…</small>` : ''}</li>`,
    )
    .join('');
  return `<h1>Tanda terima serah terima <span class="en">Handoff receipt</span></h1>
<dl class="box">
<dt>Nomor berkas <span class="en">(tracking number)</span></dt><dd><code>${esc(r.trackingNumber)}</code></dd>
<dt>Status</dt><dd>${r.status === 'received' ? 'Diterima <span class="en">(received)</span>' : `Ditolak <span class="en">(refused)</span>: ${esc(r.refusalReason)}`}</dd>
<dt>Dari <span class="en">(from)</span></dt><dd>${esc(r.from.name)} — ${esc(r.sentBy.name ?? r.sentBy.id)}, ${esc(r.sentAt)}</dd>
<dt>Kepada <span class="en">(to)</span></dt><dd>${esc(r.to.name)} — ${esc(r.resolvedBy?.name ?? '')}, ${esc(r.resolvedAt)}</dd>
<dt>Isi <span class="en">(items)</span></dt><dd><ul>${items || '<li>—</li>'}</ul></dd>
<dt>Sidik manifes <span class="en">(manifest SHA-256)</span></dt><dd><code>${esc(r.manifestHash)}</code></dd>
</dl>`;
}
