import { Module } from '@nestjs/common';
import { ApplicantsModule } from '../applicants/applicants.module';
import { StaffModule } from '../staff/staff.module';
import { MeController } from './me.controller';

@Module({ imports: [StaffModule, ApplicantsModule], controllers: [MeController] })
export class MeModule {}
