import { ApiOperation, ApiResponse } from '@nestjs/swagger';
import { Controller, Get, HttpStatus, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Public } from '@berkas/auth';
import { publicStatus, SystemStatusService, type PublicStatus } from './system-status.service';

const STATUS_SCHEMA = {
  type: 'object',
  required: ['status', 'services'],
  properties: {
    status: { type: 'string', enum: ['ok', 'degraded'] },
    services: { type: 'object', additionalProperties: { type: 'object' } },
  },
};

@Controller('health')
export class SystemStatusController {
  constructor(private readonly status: SystemStatusService) {}

  /** 200 once every backend service answers over NATS; 503 with the missing ones otherwise. */
  @Public()
  @Get()
  @ApiOperation({ summary: 'Whether every backend service answers over NATS, and how fast.' })
  @ApiResponse({ status: 200, description: 'all services up', schema: STATUS_SCHEMA })
  @ApiResponse({ status: 503, description: 'some service is down', schema: STATUS_SCHEMA })
  async health(@Res({ passthrough: true }) res: Response): Promise<PublicStatus> {
    const report = await this.status.check();
    res.status(report.status === 'ok' ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE);
    return publicStatus(report);
  }
}
