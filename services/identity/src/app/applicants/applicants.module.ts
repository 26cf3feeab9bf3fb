import { Module } from '@nestjs/common';
import { EventsModule } from '@berkas/messaging';
import { MessagesModule } from '../messages/messages.module';
import { ApplicantsController } from './applicants.controller';
import { ApplicantsService } from './applicants.service';

@Module({
  imports: [EventsModule, MessagesModule],
  controllers: [ApplicantsController],
  providers: [ApplicantsService],
  exports: [ApplicantsService],
})
export class ApplicantsModule {}
