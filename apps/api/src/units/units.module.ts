import { Global, Module } from '@nestjs/common';
import { UNIT_DIRECTORY } from '@duban/application/nest/handlers';
import { UnitRegistry } from '@duban/domain/units';

/** The unit registry (seeded with the units of the Zhengzhou documents), provided to the write path as its UnitDirectory. */
@Global()
@Module({
  providers: [
    { provide: UnitRegistry, useFactory: () => UnitRegistry.seeded() },
    { provide: UNIT_DIRECTORY, inject: [UnitRegistry], useFactory: (r: UnitRegistry) => ({ has: (id: string) => r.has(id) }) },
  ],
  exports: [UnitRegistry, UNIT_DIRECTORY],
})
export class UnitsModule {}
