import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { SmsEnv, WhatsAppEnv } from '@berkas/config';
import {
  AppError,
  type WebhookChallenge,
  type WebhookDelivery,
  type WebhookOutcome,
  type WebhookSubscription,
} from '@berkas/contracts';
import { ReportRefused, twilioReport, whatsAppReports, type DeliveryReport } from '@berkas/delivery';
import { Handles } from '@berkas/messaging';
import { MessageLedger } from '../messages/message-ledger';

/**
 * The providers' delivery reports, which the gateway passes on as received: each is believed only
 * with the provider's signature, and moves its message forward only (they come late and out of order).
 */
@Controller()
export class DeliveryReportsController {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly ledger: MessageLedger,
    private readonly whatsapp: WhatsAppEnv,
    private readonly sms: SmsEnv,
  ) {}

  @Handles('notifications.delivery-reports.whatsapp')
  async whatsApp(@Payload() req: WebhookDelivery): Promise<WebhookOutcome> {
    const reports = read(() =>
      whatsAppReports(Buffer.from(req.body, 'utf8'), req.signature, this.whatsapp.appSecret),
    );
    return this.apply(reports);
  }

  @Handles('notifications.delivery-reports.sms')
  async smsStatus(@Payload() req: WebhookDelivery): Promise<WebhookOutcome> {
    const params = Object.fromEntries(new URLSearchParams(req.body));
    const report = read(() => twilioReport(req.url, params, req.signature, this.sms.authToken));
    return this.apply(report ? [report] : []);
  }

  /** Meta checks the webhook URL once when it is subscribed: the challenge back if the token is ours. */
  @Handles('notifications.delivery-reports.whatsapp-subscription')
  subscribe(@Payload() req: WebhookSubscription): WebhookChallenge {
    if (req.mode !== 'subscribe' || req.verifyToken !== this.whatsapp.verifyToken)
      throw new AppError('FORGED_REPORT', 401, 'hub.verify_token is not the one Berkas subscribed with');
    return { challenge: req.challenge };
  }

  private async apply(reports: DeliveryReport[]): Promise<WebhookOutcome> {
    let moved = 0;
    for (const report of reports)
      await this.dataSource.transaction(async (m) => {
        const [row] = (await m.query(
          `SELECT id FROM messages WHERE channel = $1 AND (id::text = $2 OR provider_id = $3)
           ORDER BY (id::text = $2) DESC LIMIT 1`,
          [report.channel, report.reference ?? '', report.providerId],
        )) as Array<{ id: string }>;
        if (!row) return;
        const reason = report.error ? `${report.error.code}: ${report.error.reason}` : null;
        if (
          await this.ledger.move(m, row.id, report.status, 'provider', {
            reason,
            providerId: report.providerId,
            at: report.at,
          })
        )
          moved++;
      });
    return { reports: reports.length, moved };
  }
}

function read<T>(parse: () => T): T {
  try {
    return parse();
  } catch (e) {
    if (!(e instanceof ReportRefused)) throw e;
    if (e.forged) throw new AppError('FORGED_REPORT', 401, e.message);
    throw AppError.invalid('/body', e.message);
  }
}
