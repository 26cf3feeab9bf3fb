import { Module } from '@nestjs/common';
import { SessionsModule } from '../auth/sessions.module';
import { CompanyMembersController } from './company-members.controller';
import { CompanyMembersService } from './company-members.service';

/** A company's members: listed for each of them, removed by its admin member. */
@Module({
  imports: [SessionsModule],
  controllers: [CompanyMembersController],
  providers: [CompanyMembersService],
})
export class CompaniesModule {}
