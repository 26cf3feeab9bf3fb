import { ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError } from '@berkas/contracts';

function flatten(errors: ValidationError[], prefix = ''): Array<{ path: string; message: string }> {
  return errors.flatMap((e) => {
    const path = `${prefix}/${e.property}`;
    const own = Object.values(e.constraints ?? {}).map((message) => ({
      path,
      message: message.replace(`${e.property} `, ''),
    }));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * class-validator for query strings and path parameters: unknown fields are refused, values are
 * converted to their declared types, and every problem comes back as a field and a reason.
 */
export const gatewayValidationPipe = () =>
  new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: true, // one reason per field is enough to fix it
    exceptionFactory: (errors) => {
      const details = flatten(errors);
      return new AppError(
        'VALIDATION_FAILED',
        400,
        details.map((d) => `${d.path.slice(1)} ${d.message}`).join('; '),
        details,
      );
    },
  });
