import { Module } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { bulletinIssuer, ExecutePeriodCommand, PeriodBulletins, PeriodCloser, PeriodsApplicationModule } from '@duban/application/periods';
import { UnitRegistry } from '@duban/domain/units';
import { BulletinsController } from './bulletins.controller';
import { PeriodsController } from './periods.controller';

/** GET /periods, GET /periods/{id}, POST /periods/{id}/close, and the bulletins of a close (docs/periods.md). */
@Module({
  imports: [PeriodsApplicationModule],
  controllers: [PeriodsController, BulletinsController],
  providers: [
    {
      // the issuer printed on bulletins: DUBAN_BULLETIN_ISSUER (default 郑州市人民政府办公厅); names from the live unit registry
      provide: PeriodBulletins,
      inject: [PeriodCloser, CommandBus, UnitRegistry],
      useFactory: (closer: PeriodCloser, bus: CommandBus, units: UnitRegistry) =>
        new PeriodBulletins({
          closer,
          send: (command, envelope) => bus.execute(new ExecutePeriodCommand(command, envelope)),
          issuer: bulletinIssuer(),
          nameOf: (unitId) => units.get(unitId)?.id ?? unitId,
        }),
    },
  ],
})
export class PeriodsModule {}
