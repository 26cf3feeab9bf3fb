import { Controller, Get, Header, HttpCode, Post, Req } from '@nestjs/common';
import type { Request } from 'express';
import { Public } from '@berkas/auth';
import { GatewayHttpEnv } from '@berkas/config';
import { AppError, type WebhookOutcome } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { Calls } from '../openapi/calls.decorator';

/**
 * Where the providers report what became of each message (the WhatsApp Business Cloud API, the SMS
 * gateway). Open to anyone on the network, as webhooks are: the notifications service believes a
 * report only with the provider's signature over the exact body, which is passed on as received.
 */
@Controller('api/v1/delivery-reports')
@Public()
export class DeliveryReportsController {
  constructor(
    private readonly notifications: ServiceClient,
    private readonly http: GatewayHttpEnv,
  ) {}

  @Post('whatsapp')
  @HttpCode(200)
  @Calls('notifications.delivery-reports.whatsapp')
  whatsApp(@Req() req: Request): Promise<WebhookOutcome> {
    return this.notifications.request('notifications.delivery-reports.whatsapp', {
      body: bodyOf(req),
      signature: header(req, 'x-hub-signature-256'),
      url: this.signedUrl(req),
    });
  }

  /** Meta's check when the webhook is subscribed: the challenge, as plain text, if the token is ours. */
  @Get('whatsapp')
  @Header('Content-Type', 'text/plain; charset=utf-8')
  @Calls('notifications.delivery-reports.whatsapp-subscription', { bytes: 'text/plain' })
  async subscribe(@Req() req: Request): Promise<string> {
    const q = (name: string) => (typeof req.query[name] === 'string' ? (req.query[name] as string) : '');
    const { challenge } = await this.notifications.request(
      'notifications.delivery-reports.whatsapp-subscription',
      { mode: q('hub.mode'), verifyToken: q('hub.verify_token'), challenge: q('hub.challenge') },
    );
    return challenge;
  }

  @Post('sms')
  @HttpCode(200)
  @Calls('notifications.delivery-reports.sms')
  sms(@Req() req: Request): Promise<WebhookOutcome> {
    return this.notifications.request('notifications.delivery-reports.sms', {
      body: bodyOf(req),
      signature: header(req, 'x-twilio-signature'),
      url: this.signedUrl(req),
    });
  }

  /** The URL as the provider called it (and, for the SMS gateway, signed it): the public one. */
  private signedUrl(req: Request): string {
    return `${this.http.publicUrl.replace(/\/$/, '')}${req.originalUrl}`;
  }
}

function bodyOf(req: Request): string {
  if (typeof req.body !== 'string' || !req.body)
    throw AppError.invalid('/body', 'a delivery report has a body');
  return req.body;
}

function header(req: Request, name: string): string {
  const value = req.headers[name];
  if (typeof value !== 'string' || !value) throw new AppError('FORGED_REPORT', 401, `${name} is missing`);
  return value.slice(0, 200);
}
