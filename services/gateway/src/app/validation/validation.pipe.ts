import { ParseIntPipe, ParseUUIDPipe, ValidationPipe, type ValidationError } from '@nestjs/common';
import { AppError } from '@berkas/contracts';

function flatten(errors: ValidationError[], prefix = ''): Array<{ path: string; message: string }> {
  return errors.flatMap((e) => {
    const path = `${prefix}/${e.property}`;
    const own = Object.entries(e.constraints ?? {}).map(([rule, message]) => ({
      path,
      // the same words the services use for a field proto does not know
      message: rule === 'whitelistValidation' ? 'is not allowed' : message.replace(`${e.property} `, ''),
    }));
    return [...own, ...flatten(e.children ?? [], path)];
  });
}

/**
 * class-validator for bodies, query strings and path parameters: unknown fields are refused, values are
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

/** A path parameter that must be a v4 UUID; anything else is a 400 naming the parameter. */
export const uuidParam = (name = 'id') =>
  new ParseUUIDPipe({
    version: '4',
    exceptionFactory: () => AppError.invalid(`/${name}`, 'must be a UUID'),
  });

/** A whole-number path parameter; anything else is a 400 naming it. */
export const intParam = (name: string) =>
  new ParseIntPipe({ exceptionFactory: () => AppError.invalid(`/${name}`, 'must be a whole number') });
