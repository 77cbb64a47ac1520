import { Global, Module } from '@nestjs/common';
import { ApplicationModule } from '@duban/application/nest/application.module';
import type { UnitDirectory, UnitResolver } from '@duban/application';
import { UNIT_DIRECTORY } from '@duban/application/nest/handlers';
import { UnitRegistry } from '@duban/domain/units';
import { ACCESS_UNIT_REGISTRY } from '@duban/access';
import { UnitsController } from './units.controller';
import { liveRegistry, UnitsService } from './units.service';

/**
 * The unit registry: the seed (zhengzhou-units.json) plus the admin's additions
 * recorded on the `unit-registry` stream, kept current by UnitsService.
 *
 * - `UnitRegistry` (injected by class) is a live view: every call answers from
 *   the registry of that moment, so controllers and queries built once see
 *   additions without a restart.
 * - `UNIT_DIRECTORY` (the write path's "which unit does this name stand
 *   for?": names resolve to ids before deciding) asks the same current registry: a unit added by a successful POST is accepted by the very
 *   next command in this process; other processes follow the log (≈ their
 *   store's poll interval later).
 * - `ACCESS_UNIT_REGISTRY` is the service itself (its `current`): the access
 *   layer resolves each token's unit to its id there, so a unit added later is
 *   accepted in tokens as soon as it is in `current`.
 */
@Global()
@Module({
  // the CommandExecutor of the process (UnitsService writes through it)
  imports: [ApplicationModule],
  controllers: [UnitsController],
  providers: [
    UnitsService,
    { provide: UnitRegistry, inject: [UnitsService], useFactory: (units: UnitsService) => liveRegistry(() => units.current) },
    { provide: ACCESS_UNIT_REGISTRY, useExisting: UnitsService },
    { provide: UNIT_DIRECTORY, inject: [UnitsService], useFactory: (units: UnitsService): UnitDirectory & UnitResolver => ({
        has: (id: string) => units.current.has(id),
        resolve: (name: string) => units.current.resolve(name),
      }),
    },
  ],
  exports: [UnitsService, UnitRegistry, UNIT_DIRECTORY, ACCESS_UNIT_REGISTRY],
})
export class UnitsModule {}
