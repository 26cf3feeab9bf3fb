import { Controller } from '@nestjs/common';
import { Payload } from '@nestjs/microservices';
import type {
  Agency,
  AgencyPage,
  CreateAgencyRequest,
  CreateUnitRequest,
  GetAgencyRequest,
  ListAgenciesRequest,
  Region,
  Unit,
  UpdateAgencyRequest,
} from '@berkas/contracts';
import { currentPrincipal as principal } from '@berkas/auth';
import { AgenciesService } from './agencies.service';
import { Handles } from '@berkas/messaging';

@Controller()
export class AgenciesController {
  constructor(private readonly agencies: AgenciesService) {}

  @Handles('identity.regions.create')
  createRegion(@Payload() req: Region): Promise<Region> {
    return this.agencies.createRegion(principal(), req);
  }

  @Handles('identity.agencies.create')
  create(@Payload() req: CreateAgencyRequest): Promise<Agency> {
    return this.agencies.create(principal(), req);
  }

  @Handles('identity.agencies.update')
  update(@Payload() req: UpdateAgencyRequest): Promise<Agency> {
    return this.agencies.update(principal(), req);
  }

  @Handles('identity.agencies.get')
  get(@Payload() req: GetAgencyRequest): Promise<Agency> {
    return this.agencies.get(principal(), req);
  }

  @Handles('identity.agencies.list')
  list(@Payload() req: ListAgenciesRequest): Promise<AgencyPage> {
    return this.agencies.list(principal(), req);
  }

  @Handles('identity.units.create')
  createUnit(@Payload() req: CreateUnitRequest): Promise<Unit> {
    return this.agencies.createUnit(principal(), req);
  }
}
