import { SetMetadata } from '@nestjs/common';

/**
 * Marks a route that needs no sign-in. It lives here, below @berkas/auth, because the health and
 * metrics routes of this library need it too; @berkas/auth's guard reads it.
 */
export const IS_PUBLIC_ROUTE = 'berkas:public';
export const Public = () => SetMetadata(IS_PUBLIC_ROUTE, true);
