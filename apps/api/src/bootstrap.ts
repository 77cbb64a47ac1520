import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppConfig, loadConfig } from '@duban/config';
import { describeEventStore } from '@duban/eventstore';
import { eventStoreSettings } from '@duban/eventstore/nest/event-store.module';
import { AppModule } from './app.module';

export interface StartedApi {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
}

/** Builds and configures the HTTP application (also used by e2e tests). */
export async function createApi(): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false });
  app.useLogger(app.get(Logger));
  // bodies over 256 KB are refused with 413 before any handler runs
  app.useBodyParser('json', { limit: '256kb' });
  app.enableShutdownHooks();
  return app;
}

/** Starts the api on the configured port and says where it listens and where the data lives. */
export async function startApi(): Promise<StartedApi> {
  const config = loadConfig(process.env); // fails fast, naming the variable, before Nest starts
  const app = await createApi();
  await app.listen(config.port);
  const url = `http://127.0.0.1:${config.port}`;
  process.stdout.write(
    [
      `Duban api listening on ${url}  (health: ${url}/health, ready: ${url}/ready)`,
      `events: ${describeEventStore(eventStoreSettings(config))}`,
      `data dir: ${config.dataDir}`,
      '',
    ].join('\n'),
  );
  return { app, url, config };
}
