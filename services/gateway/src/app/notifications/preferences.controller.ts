import { Body, Controller, Get, HttpCode, Patch, Post } from '@nestjs/common';
import { Public } from '@berkas/auth';
import type { ConsentWithdrawn, Preferences } from '@berkas/contracts';
import { ServiceClient } from '@berkas/messaging';
import { UpdatePreferencesBody, WithdrawByLinkBody } from '../../generated/bodies';
import { Calls } from '../openapi/calls.decorator';
import { RateLimit } from '../protection/rate-limit';

/** How the signed-in person hears about files, and the consent they withdraw from a message's link. */
@Controller('api/v1')
export class PreferencesController {
  constructor(private readonly notifications: ServiceClient) {}

  @Get('me/notifications')
  @Calls('notifications.preferences.get')
  get(): Promise<Preferences> {
    return this.notifications.request('notifications.preferences.get', {});
  }

  @Patch('me/notifications')
  @Calls('notifications.preferences.update')
  update(@Body() body: UpdatePreferencesBody): Promise<Preferences> {
    return this.notifications.request('notifications.preferences.update', body);
  }

  /** From the link at the end of a WhatsApp message or an SMS: no sign-in, the link says whose. */
  @Public()
  @RateLimit('lookups')
  @Post('consents/withdraw')
  @HttpCode(200)
  @Calls('notifications.consents.withdraw-by-link')
  withdraw(@Body() body: WithdrawByLinkBody): Promise<ConsentWithdrawn> {
    return this.notifications.request('notifications.consents.withdraw-by-link', body);
  }
}
