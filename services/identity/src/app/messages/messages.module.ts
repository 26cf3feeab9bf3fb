import { Module } from '@nestjs/common';
import { MailEnv, SmsEnv } from '@berkas/config';
import { EmailChannel, SmsChannel } from '@berkas/delivery';
import { CHANNELS, OutgoingMessages } from './outgoing-messages.service';

/** The messages identity owes people (one-time codes, account notices), by email or SMS. */
@Module({
  providers: [
    {
      provide: CHANNELS,
      inject: [MailEnv, SmsEnv],
      useFactory: (mail: MailEnv, sms: SmsEnv) => [new EmailChannel(mail), new SmsChannel(sms)],
    },
    OutgoingMessages,
  ],
  exports: [OutgoingMessages],
})
export class MessagesModule {}
