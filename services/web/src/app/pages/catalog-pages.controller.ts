import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import type { FormField, LevyEstimate, PermitType, PermitTypeList } from '@berkas/contracts';
import { ApiClient, ApiProblem } from '../api/api-client';
import { numberOf } from '../apply/form-answers';
import { langOf, translate } from '../i18n/catalogue';
import { PageRenderer } from '../views/page-renderer';

/**
 * The permit catalogue: what can be applied for, and per permit type what it is for, the documents
 * it needs (formats and sizes), the service standard in working days, the levy with a calculator
 * (a plain GET form: the sum is the API's, with the formula the bill will use) and the legal basis.
 */
@Controller('izin')
export class CatalogPagesController {
  constructor(
    private readonly api: ApiClient,
    private readonly pages: PageRenderer,
  ) {}

  @Get()
  async list(@Req() req: Request, @Res() res: Response): Promise<void> {
    const { items } = await this.api.get<PermitTypeList>(req, '/permit-types');
    this.pages.send(req, res, 'pages/permit-types', { types: items });
  }

  @Get(':code')
  async show(
    @Param('code') code: string,
    @Query() query: Record<string, unknown>,
    @Req() req: Request,
    @Res() res: Response,
  ): Promise<void> {
    const type = await this.api.get<PermitType>(req, `/permit-types/${encodeURIComponent(code)}`);
    const levyFields = type.form.filter((f) => type.levy?.inputs.includes(f.name));
    const vars = {
      type,
      levyFields,
      values: query,
      fieldErrors: {} as Record<string, string>,
      estimate: undefined as LevyEstimate | undefined,
    };
    if (type.levy && query['hitung']) await this.estimate(req, type, levyFields, query, vars);
    const levyErrors = Object.entries(vars.fieldErrors).map(([name, text]) => ({ text, href: `#${name}` }));
    res.setHeader('Cache-Control', 'public, max-age=300');
    this.pages.send(req, res, 'pages/permit-type', { ...vars, levyErrors }, levyErrors.length ? 400 : 200);
  }

  private async estimate(
    req: Request,
    type: PermitType,
    fields: FormField[],
    query: Record<string, unknown>,
    vars: { fieldErrors: Record<string, string>; estimate?: LevyEstimate },
  ): Promise<void> {
    const lang = langOf(req);
    const values: Record<string, number> = {};
    for (const field of fields) {
      const raw = query[field.name];
      const value = typeof raw === 'string' ? numberOf(raw) : undefined;
      if (value === undefined)
        vars.fieldErrors[field.name] = translate(lang, 'catalog.numberRequired', {
          field: field.label[lang],
        });
      else values[field.name] = value;
    }
    if (Object.keys(vars.fieldErrors).length) return;
    try {
      vars.estimate = await this.api.post<LevyEstimate>(
        req,
        `/permit-types/${encodeURIComponent(type.code)}/levy-estimate`,
        { values },
      );
    } catch (e) {
      if (!(e instanceof ApiProblem) || e.status !== 400) throw e;
      for (const error of e.errors) {
        const field = fields.find((f) => error.path === `/values/${f.name}`);
        if (field)
          vars.fieldErrors[field.name] = translate(lang, 'catalog.outOfRange', {
            field: field.label[lang],
            min: field.minimum ?? '',
            max: field.maximum ?? '',
          });
      }
      if (!Object.keys(vars.fieldErrors).length) throw e;
    }
  }
}
