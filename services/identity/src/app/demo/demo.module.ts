import { Module } from '@nestjs/common';
import { AgenciesModule } from '../agencies/agencies.module';
import { ApplicantsModule } from '../applicants/applicants.module';
import { StaffModule } from '../staff/staff.module';
import { DemoDataService } from './demo-data.service';

@Module({ imports: [AgenciesModule, StaffModule, ApplicantsModule], providers: [DemoDataService] })
export class DemoModule {}
