import { Module } from '@nestjs/common';
import { StaffModule } from '../staff/staff.module';
import { ContactsController } from './contacts.controller';
import { ContactsService } from './contacts.service';

/** How to reach people about a file: for the notifications service only. */
@Module({
  imports: [StaffModule],
  controllers: [ContactsController],
  providers: [ContactsService],
})
export class ContactsModule {}
