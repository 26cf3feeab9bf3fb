import { ApiExcludeController } from '@nestjs/swagger';
import { Controller, Get, Header } from '@nestjs/common';
import { Public } from '@berkas/auth';

/** Colours keep at least 7:1 contrast on white; focus is always visible for keyboard users. */
const STYLESHEET = `
body{font:16px/1.5 system-ui,sans-serif;margin:0 auto;max-width:40rem;padding:0 1rem 2rem;color:#111;background:#fff}
header{display:flex;justify-content:space-between;align-items:center;padding:.75rem 0;border-bottom:1px solid #888}
.brand{font-weight:700;font-size:1.2rem;color:#111;text-decoration:none}
a{color:#0b4a85}a:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible{outline:3px solid #b35900;outline-offset:2px}
.skip{position:absolute;left:-999px}.skip:focus{left:1rem;top:1rem;background:#fff;padding:.5rem}
h1{font-size:1.4rem}h2{font-size:1.15rem}code{font-size:1.05rem;font-weight:700}
.en{color:#333;font-size:.9em}.box{border:1px solid #888;border-radius:6px;padding:.75rem;margin:1rem 0}
.error{border-color:#a3001b;color:#a3001b}.ok{border-color:#1d5e20;color:#1d5e20}
label{display:block;margin-top:.75rem;font-weight:600}.hint{color:#333;font-size:.9rem;margin:.25rem 0}
input,textarea{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;border:1px solid #555;border-radius:4px}
button{font:inherit;margin-top:1rem;padding:.6rem 1rem;border:0;border-radius:4px;background:#0b4a85;color:#fff;cursor:pointer}
button.secondary{background:#444}dt{font-weight:600}dd{margin:0 0 .5rem 0}
ol.timeline{list-style:none;padding:0;border-left:3px solid #0b4a85;margin-left:.4rem}
ol.timeline li{padding:0 0 .75rem 1rem}ol.timeline time{display:block;color:#333;font-size:.9rem}
`.trim();

@ApiExcludeController() // a page for people, not part of the JSON API
@Controller('assets')
export class AssetsController {
  @Public()
  @Get('berkas.css')
  @Header('Content-Type', 'text/css; charset=utf-8')
  @Header('Cache-Control', 'public, max-age=86400')
  stylesheet(): string {
    return STYLESHEET;
  }
}
