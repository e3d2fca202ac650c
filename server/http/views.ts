import path from 'node:path';
import crypto from 'node:crypto';
import fs from 'node:fs';
import type { Express } from 'express';
import { create } from 'express-handlebars';
import { helpers } from './helpers/index.ts';

export const rootDir = path.resolve(import.meta.dirname, '../..');
const viewsDir = path.join(rootDir, 'views');

export function setupViews(app: Express): void {
  const hbs = create({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(viewsDir, 'layouts'),
    partialsDir: path.join(viewsDir, 'partials'),
    helpers,
  });
  app.engine('.hbs', hbs.engine);
  app.set('view engine', '.hbs');
  app.set('views', viewsDir);
}

/** Renders a view to a string (for pages kept in the cache). */
export function renderToString(app: Express, view: string, locals: object): Promise<string> {
  return new Promise((resolve, reject) => app.render(view, locals, (err, html) => (err ? reject(err) : resolve(html!))));
}

/** A hash of the templates and stylesheet: part of every ETag, so a deployment invalidates caches. */
export function buildId(): string {
  const h = crypto.createHash('sha256');
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else h.update(e.name).update(fs.readFileSync(p));
    }
  };
  walk(viewsDir);
  walk(path.join(rootDir, 'public'));
  h.update(JSON.parse(fs.readFileSync(path.join(rootDir, 'package.json'), 'utf8')).version);
  return h.digest('hex').slice(0, 16);
}
