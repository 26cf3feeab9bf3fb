import { Module } from '@nestjs/common';
import { EventsModule } from '@berkas/messaging';
import { ApplicantsModule } from '../applicants/applicants.module';
import { KeysModule } from '../keys/keys.module';
import { MessagesModule } from '../messages/messages.module';
import { PasswordChanges } from './password-changes.service';
import { PasswordsController } from './passwords.controller';
import { PrincipalsService } from './principals.service';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';
import { SignInThrottle } from './sign-in-throttle';

/** Registration, sign-in, refresh and sign-out; forgotten and changed passwords. */
@Module({
  imports: [EventsModule, ApplicantsModule, KeysModule, MessagesModule],
  controllers: [SessionsController, PasswordsController],
  providers: [SessionsService, PrincipalsService, SignInThrottle, PasswordChanges],
  exports: [SessionsService],
})
export class SessionsModule {}
