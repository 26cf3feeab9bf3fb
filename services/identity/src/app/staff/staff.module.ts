import { Module } from '@nestjs/common';
import { EventsModule } from '@berkas/messaging';
import { AgenciesModule } from '../agencies/agencies.module';
import { SessionsModule } from '../auth/sessions.module';
import { DelegationsService } from './delegations.service';
import { StaffController } from './staff.controller';
import { StaffService } from './staff.service';

@Module({
  imports: [EventsModule, AgenciesModule, SessionsModule],
  controllers: [StaffController],
  providers: [StaffService, DelegationsService],
  exports: [StaffService],
})
export class StaffModule {}
