import { Module } from '@nestjs/common';
import { EventsModule } from '@berkas/messaging';
import { ApplicantsModule } from '../applicants/applicants.module';
import { KeysModule } from '../keys/keys.module';
import { PrincipalsService } from './principals.service';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';
import { SignInThrottle } from './sign-in-throttle';

/** Registration, sign-in, refresh and sign-out. */
@Module({
  imports: [EventsModule, ApplicantsModule, KeysModule],
  controllers: [SessionsController],
  providers: [SessionsService, PrincipalsService, SignInThrottle],
  exports: [SessionsService],
})
export class SessionsModule {}
