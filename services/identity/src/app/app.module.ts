import { Module, type DynamicModule } from '@nestjs/common';
import { AuthModule } from '@berkas/auth';
import type { ServiceConfig } from '@berkas/config';
import { backendCore } from '@berkas/messaging';
import { IDENTITY_MIGRATIONS } from '../migrations';
import { AgenciesModule } from './agencies/agencies.module';
import { Agency, Region, Unit } from './agencies/agency.entity';
import { ApplicantAccount, Company } from './applicants/applicant.entity';
import { ApplicantsModule } from './applicants/applicants.module';
import { PendingRegistration } from './applicants/pending-registration.entity';
import { OutgoingMessageRecord } from './messages/outgoing-message.entity';
import { Credential, LoginName, RefreshToken } from './auth/credential.entity';
import { SessionsModule } from './auth/sessions.module';
import { PasswordReset } from './auth/password-reset.entity';
import { SignInThrottleRecord } from './auth/sign-in-throttle.entity';
import { CompaniesModule } from './companies/companies.module';
import { ContactsModule } from './contacts/contacts.module';
import { CounterModule } from './counter/counter.module';
import { WalkInClaim } from './counter/walk-in-claim.entity';
import { DemoModule } from './demo/demo.module';
import { KeysModule } from './keys/keys.module';
import { SigningKey } from './keys/signing-key.entity';
import { ServiceTokenIssuer } from './keys/service-token-issuer';
import { SigningKeysService } from './keys/signing-keys.service';
import { MeModule } from './me/me.module';
import { DelegationRecord, StaffAssignment, StaffMember } from './staff/staff.entity';
import { StaffModule } from './staff/staff.module';

export const IDENTITY_ENTITIES = [
  Region,
  Agency,
  Unit,
  StaffMember,
  StaffAssignment,
  DelegationRecord,
  Company,
  ApplicantAccount,
  PendingRegistration,
  OutgoingMessageRecord,
  LoginName,
  Credential,
  RefreshToken,
  SignInThrottleRecord,
  PasswordReset,
  SigningKey,
  WalkInClaim,
];

@Module({})
export class AppModule {
  static register(config: ServiceConfig<'identity'>): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ...backendCore({
          service: 'identity',
          config,
          entities: IDENTITY_ENTITIES,
          migrations: IDENTITY_MIGRATIONS,
        }),
        // Identity verifies tokens with its own keys, straight from its database.
        AuthModule.forRoot({
          service: 'identity',
          jwksSource: SigningKeysService,
          serviceTokenSource: ServiceTokenIssuer,
          imports: [KeysModule],
        }),
        KeysModule,
        AgenciesModule,
        StaffModule,
        ApplicantsModule,
        SessionsModule,
        CompaniesModule,
        ContactsModule,
        CounterModule,
        MeModule,
        DemoModule,
      ],
    };
  }
}
