import { Controller, Get, Param, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@berkas/auth';
import { AppError, type PermitVerification } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { esc, page } from './html';

const VERDICT: Record<PermitVerification['status'], string> = {
  valid: 'ASLI dan BERLAKU <span class="en">(genuine and valid)</span>',
  expired: 'Asli, tetapi MASA BERLAKU HABIS <span class="en">(genuine, expired)</span>',
  revoked: 'Asli, tetapi DICABUT <span class="en">(genuine, revoked)</span>',
  unknown:
    'TIDAK DAPAT DIVERIFIKASI — kemungkinan palsu <span class="en">(cannot be verified — possibly forged)</span>',
};

/** Where an issued permit's QR code leads: is this permit genuine, and is it still valid? */
@Controller('verifikasi')
export class VerifyController {
  constructor(private readonly permits: ServiceClient) {}

  @Public()
  @Get(':code')
  async verify(@Param('code') code: string, @Res() res: Response): Promise<void> {
    let result: PermitVerification;
    try {
      result = await this.permits.request('permits.permits.verify', { code });
    } catch (e) {
      if (!(e instanceof AppError) || e.status >= 500) throw e;
      result = { genuine: false, status: 'unknown' };
    }
    const ok = result.genuine && result.status === 'valid';
    const details = result.genuine
      ? `<dl class="box">
<dt>Nomor izin <span class="en">(permit number)</span></dt><dd><code>${esc(result.number)}</code></dd>
<dt>Jenis <span class="en">(type)</span></dt><dd>${esc(result.permitType?.name.id)} <span class="en">(${esc(result.permitType?.name.en)})</span></dd>
<dt>Pemegang <span class="en">(holder)</span></dt><dd>${esc(result.holderName)}</dd>
<dt>Terbit <span class="en">(issued)</span></dt><dd>${esc(result.issuedAt?.slice(0, 10))}</dd>
<dt>Berlaku sampai <span class="en">(valid until)</span></dt><dd>${esc(result.validUntil ?? '—')}</dd>
</dl>`
      : '';
    res
      .status(200)
      .type('html')
      .send(
        page(
          'Verifikasi izin',
          `<h1>Verifikasi izin <span class="en">Permit verification</span></h1>
<p class="box${ok ? '' : ' error'}" role="status"><strong>${VERDICT[result.status]}</strong></p>
${details}`,
        ),
      );
  }
}
