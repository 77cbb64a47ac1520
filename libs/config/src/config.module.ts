import { Global, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { AppConfig, loadConfig } from './config';

export const APP_CONFIG = Symbol('APP_CONFIG');

/**
 * @nestjs/config with Duban's validated settings under the key `duban`; the
 * typed AppConfig is also injectable as APP_CONFIG. A bad variable fails the
 * start with a ConfigError naming it.
 */
@Global()
@Module({
  imports: [ConfigModule.forRoot({ isGlobal: true, ignoreEnvFile: true, load: [() => ({ duban: loadConfig(process.env) })] })],
  providers: [{ provide: APP_CONFIG, inject: [ConfigService], useFactory: (c: ConfigService) => c.getOrThrow<AppConfig>('duban') }],
  exports: [APP_CONFIG],
})
export class DubanConfigModule {}
