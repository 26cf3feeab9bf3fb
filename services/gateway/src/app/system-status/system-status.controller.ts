import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@berkas/auth';
import { SystemStatusService, type SystemStatus } from './system-status.service';

@Controller('health')
export class SystemStatusController {
  constructor(private readonly status: SystemStatusService) {}

  /** 200 once every backend service answers over NATS; 503 with the missing ones otherwise. */
  @Public()
  @Get()
  async health(@Res({ passthrough: true }) res: Response): Promise<SystemStatus> {
    const report = await this.status.check();
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return report;
  }
}
