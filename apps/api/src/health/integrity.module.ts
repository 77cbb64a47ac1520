import { Global, Module } from '@nestjs/common';
import { WRITE_GATE } from '@duban/application';
import { IntegrityMonitor } from './integrity.monitor';

/**
 * The IntegrityMonitor and the write gate bound to it (WRITE_GATE), global so
 * the ApplicationModule's CommandExecutor — the one executor of the api —
 * finds it: once the hash chain is broken, no writer of this process appends.
 */
@Global()
@Module({
  providers: [IntegrityMonitor, { provide: WRITE_GATE, useExisting: IntegrityMonitor }],
  exports: [IntegrityMonitor, WRITE_GATE],
})
export class IntegrityModule {}
