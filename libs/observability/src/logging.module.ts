import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module, type DynamicModule } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { DestinationStream } from 'pino';
import type { Options } from 'pino-http';
import type { RuntimeEnv } from '@berkas/config';
import { HEADERS } from '@berkas/contracts';
import { RequestContext } from './request-context';
import { requestIdFrom } from './request-id';

/** Paths whose values must never reach a log line. */
const SECRET_KEYS = ['password', 'token', 'accessToken', 'refreshToken', 'secret', 'otp'];

/** Paths whose values must never reach a log line: at the top of a log object and one level down. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  ...SECRET_KEYS,
  ...SECRET_KEYS.map((k) => `*.${k}`),
];

const withProblem = (res: ServerResponse, line: object) => {
  const problem = (res as ServerResponse & { locals?: Record<string, unknown> }).locals?.['problem'];
  return problem ? { ...line, problem } : line;
};

/**
 * JSON logs through pino. Every line carries the service name and, when there is one, the request id
 * of the work in progress (from RequestContext), so one action can be followed across services.
 */
@Module({})
export class LoggingModule {
  /** `destination` replaces stdout; tests use it to read what would be logged. */
  static forRoot(service: string, runtime: RuntimeEnv, destination?: DestinationStream): DynamicModule {
    const options: Options = {
      level: runtime.logLevel,
      base: { service },
      redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
      messageKey: 'msg',
      formatters: { level: (label: string) => ({ level: label }) },
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      transport: runtime.logPretty ? { target: 'pino-pretty', options: { singleLine: true } } : undefined,
      // requestContextMiddleware has already fixed req.id; reuse it so both agree.
      genReqId: (req: IncomingMessage) => req.id ?? requestIdFrom(req.headers[HEADERS.requestId]),
      mixin: () => {
        const ctx = RequestContext.current();
        return ctx ? { requestId: ctx.requestId, ...(ctx.principal ? { actor: ctx.principal.id } : {}) } : {};
      },
      // Lines logged while handling a request carry its id, not the whole request again.
      quietReqLogger: true,
      // A refused request's line names the problem code it got, so logs count refusals by reason.
      customSuccessObject: (_req, res, line) => withProblem(res, line),
      customErrorObject: (_req, res, _err, line) => withProblem(res, line),
      // Probes every few seconds would drown the log; the system health page is still logged.
      autoLogging: {
        ignore: (req: IncomingMessage) => /^\/(health\/(live|ready)|metrics)\b/.test(req.url ?? ''),
      },
    };
    return {
      module: LoggingModule,
      imports: [
        LoggerModule.forRoot({
          pinoHttp: destination ? [options, destination] : options,
        }),
      ],
      exports: [LoggerModule],
    };
  }
}
