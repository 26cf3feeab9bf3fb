import { Module } from '@nestjs/common';
import { MailEnv, NotificationsEnv, SmsEnv, WhatsAppEnv } from '@berkas/config';
import { EmailChannel, SmsChannel, WhatsAppChannel } from '@berkas/delivery';
import { EventsModule } from '@berkas/messaging';
import { DailyDigest } from './digest/daily-digest';
import { WorkingDays } from './digest/working-days';
import { FileMessagesController } from './messages/file-messages.controller';
import { MessageComposer } from './messages/message-composer';
import { ConsentBook } from './preferences/consent-book';
import { PreferencesController } from './preferences/preferences.controller';
import { WithdrawLinks } from './preferences/withdraw-links';
import { MessageLedger } from './messages/message-ledger';
import { CHANNELS, MessageSender } from './messages/message-sender';
import { NoticeIntake } from './notices/notice-intake';
import { NoticePlanner } from './notices/notice-planner';
import { DeliveryReportsController } from './reports/delivery-reports.controller';
import { TemplateBook } from './templates/template-book';
import { TemplateEditor } from './templates/template-editor';
import { TemplatesController } from './templates/templates.controller';

/** Events in, messages out: notices taken from the bus, planned per person, sent and followed. */
@Module({
  imports: [EventsModule],
  controllers: [
    FileMessagesController,
    DeliveryReportsController,
    PreferencesController,
    TemplatesController,
  ],
  providers: [
    {
      provide: CHANNELS,
      inject: [MailEnv, SmsEnv, WhatsAppEnv, NotificationsEnv],
      useFactory: (mail: MailEnv, sms: SmsEnv, whatsapp: WhatsAppEnv, env: NotificationsEnv) => [
        new EmailChannel(mail),
        // The gateway takes the SMS gateway's status callbacks and passes them on over NATS.
        new SmsChannel(sms, { statusCallback: `${env.publicUrl}/api/v1/delivery-reports/sms` }),
        new WhatsAppChannel(whatsapp),
      ],
    },
    // The wording in use, as published (read again within seconds of a publish); the shipped file's
    // fixed parts are read and checked once, at start: one that breaks the rules stops the service there.
    TemplateBook,
    TemplateEditor,
    ConsentBook,
    WithdrawLinks,
    MessageLedger,
    MessageComposer,
    WorkingDays,
    DailyDigest,
    MessageSender,
    NoticePlanner,
    NoticeIntake,
  ],
})
export class NotificationsModule {}
