import type { Express } from 'express';
import type { Guard } from '../../server/auth/permissions.ts';

export interface RouteInfo {
  method: string;
  path: string;
  guard: Guard | null;
}

/** Every route of the app, with its mount prefix, and the allow() guard it starts with (if any). */
export function walkRoutes(app: Express): RouteInfo[] {
  const out: RouteInfo[] = [];
  const walk = (stack: unknown[], prefix: string) => {
    for (const layer of stack as Array<{ route?: { path: string | string[]; methods: Record<string, boolean>; stack: Array<{ handle: Guard }> }; handle?: { stack?: unknown[] }; rawPath?: unknown }>) {
      if (layer.route) {
        const first = layer.route.stack[0]?.handle;
        const guard = first && 'rule' in first ? first : null;
        for (const p of ([] as string[]).concat(layer.route.path)) {
          for (const m of Object.keys(layer.route.methods)) if (m !== '_all') out.push({ method: m.toUpperCase(), path: prefix + p, guard });
        }
      } else if (layer.handle?.stack) {
        const mount = typeof layer.rawPath === 'string' && layer.rawPath !== '/' ? layer.rawPath : '';
        walk(layer.handle.stack, prefix + mount);
      }
    }
  };
  walk((app as unknown as { router: { stack: unknown[] } }).router.stack, '');
  return out;
}
