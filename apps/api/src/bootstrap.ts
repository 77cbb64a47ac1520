import 'reflect-metadata';
import { RequestMethod, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger, PinoLogger } from 'nestjs-pino';
import { TokenService } from '@duban/access';
import { LADDER_SCHEDULER } from '@duban/application/processors';
import { AppConfig, loadConfig } from '@duban/config';
import { describeEventStore } from '@duban/eventstore';
import { describeScheduler } from '@duban/scheduler';
import { eventStoreSettings } from '@duban/eventstore/nest/event-store.module';
import { AppModule } from './app.module';
import { installBigIntJson } from './common/bigint-json';
import { answerClientErrorsAsJson } from './common/client-errors';
import { attachIdempotencyKeys, IdempotencyKeys } from './common/idempotency-keys';
import { integrityHeader } from './common/integrity-gate';
import { IntegrityMonitor } from './health/integrity.monitor';
import { limitBodyDepth, requireJsonBody } from './common/json-body';
import { queueBoard, QUEUE_BOARD_PATH } from './common/queue-board';
import { requestLog } from './common/request-log';

export interface StartedApi {
  app: NestExpressApplication;
  url: string;
  config: AppConfig;
}

/** Builds and configures the HTTP application (also used by e2e tests). */
export async function createApi(): Promise<NestExpressApplication> {
  // abortOnError: false — a failed start throws to the caller (which names the cause) instead of exiting inside Nest
  const app = await NestFactory.create<NestExpressApplication>(AppModule, { bufferLogs: true, bodyParser: false, abortOnError: false });
  app.useLogger(app.get(Logger));
  // headers over Node's limit (431) and malformed requests get a JSON body too, not an empty one
  answerClientErrorsAsJson(app.getHttpServer());
  // one line per request (id, method, url, status, time) through the root logger
  app.use(requestLog(() => PinoLogger.root));
  // a log that failed verification: every response marked (writes are refused by the executor's write gate)
  app.use(integrityHeader(app.get(IntegrityMonitor)));
  // an Idempotency-Key belongs to the first request that used it (see envelopeFrom)
  app.use(attachIdempotencyKeys(app.get(IdempotencyKeys)));
  // bull-board for admins (BullMQ only; 404 with the in-process scheduler), before the JSON body rules: its UI posts forms
  app.use(QUEUE_BOARD_PATH, queueBoard(app.get(LADDER_SCHEDULER), app.get(TokenService)));
  // a body that is not JSON is refused (415) rather than skipped by the parser and seen as empty
  app.use(requireJsonBody);
  // bodies over 256 KB are refused with 413 before any handler runs
  app.useBodyParser('json', { limit: '256kb' });
  app.use(limitBodyDepth);
  // positions and versions are 64-bit (bigint) inside; JSON carries them as strings
  installBigIntJson();
  app.setGlobalPrefix('api/v1', {
    exclude: [
      { path: 'health', method: RequestMethod.GET },
      { path: 'ready', method: RequestMethod.GET },
      { path: 'metrics', method: RequestMethod.GET },
    ],
  });
  // unknown fields are refused (400), not silently dropped
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Duban 督办 API')
      .setDescription(
        'The closure loop of supervision (督查督办): tasks from policy documents and issues on the ledger are assigned (交办), ' +
          'acknowledged (签收), reported on, submitted (申请销号) and verified (销号). Every POST accepts an Idempotency-Key; ' +
          'item versions are ETags and If-Match guards against lost updates. Positions are strings (64-bit).',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'docs-json' });
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
      `Duban api listening on ${url}  (API docs: ${url}/docs, health: ${url}/health, ready: ${url}/ready, metrics: ${url}/metrics)`,
      `timers: ${describeScheduler(config)}${config.redisUrl ? ` (queue board for admins: ${url}${QUEUE_BOARD_PATH})` : ''}; processors ${config.processors ? 'run in this process' : 'off here (DUBAN_PROCESSORS=off: the worker runs them)'}`,
      `events: ${describeEventStore(eventStoreSettings(config))}`,
      `data dir: ${config.dataDir}`,
      ...(config.kurrentDbUrl
        ? []
        : [
            'get a bearer token (embedded mode): npx duban token --role supervisor --unit 市政府办公厅四处 --user <name>',
            '  (roles: supervisor, unit, auditor, admin; --unit is the unit the user acts for, e.g. 郑东新区)',
          ]),
      '',
    ].join('\n'),
  );
  return { app, url, config };
}
