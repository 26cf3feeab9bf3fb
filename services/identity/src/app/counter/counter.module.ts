import { Module } from '@nestjs/common';
import { EventsModule } from '@berkas/messaging';
import { ApplicantsModule } from '../applicants/applicants.module';
import { SessionsModule } from '../auth/sessions.module';
import { MessagesModule } from '../messages/messages.module';
import { CounterController } from './counter.controller';
import { CounterVisits } from './counter-visits.service';
import { WalkInClaims } from './walk-in-claims.service';

/** Walk-ins served at the front office's counter, and their accounts claimed online afterwards. */
@Module({
  imports: [EventsModule, ApplicantsModule, SessionsModule, MessagesModule],
  controllers: [CounterController],
  providers: [CounterVisits, WalkInClaims],
})
export class CounterModule {}
