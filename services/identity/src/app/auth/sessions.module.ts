import { Module } from '@nestjs/common';
import { ApplicantsModule } from '../applicants/applicants.module';
import { KeysModule } from '../keys/keys.module';
import { PrincipalsService } from './principals.service';
import { SessionsController } from './sessions.controller';
import { SessionsService } from './sessions.service';

/** Registration, sign-in, refresh and sign-out. */
@Module({
  imports: [ApplicantsModule, KeysModule],
  controllers: [SessionsController],
  providers: [SessionsService, PrincipalsService],
  exports: [SessionsService],
})
export class SessionsModule {}
