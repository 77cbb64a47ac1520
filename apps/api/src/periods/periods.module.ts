import { Module } from '@nestjs/common';
import { PeriodsApplicationModule } from '@duban/application/periods';
import { PeriodsController } from './periods.controller';

/** GET /periods, GET /periods/{id}, POST /periods/{id}/close (docs/periods.md). */
@Module({
  imports: [PeriodsApplicationModule],
  controllers: [PeriodsController],
})
export class PeriodsModule {}
