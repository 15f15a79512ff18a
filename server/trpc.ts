import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError } from 'zod';
import { AppError, trpcCodeOf } from './errors.ts';
import { INTERNAL_MESSAGE } from './http/errors.ts';
import { asUnavailable } from './http/unavailable.ts';
import type { Context } from './context.ts';
import { ProjectId } from './projects/projects.schema.ts';
import { getProjectAccess } from './projects/projects.service.ts';

const t = initTRPC.context<Context>().create({
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    // An error the app did not raise itself (a failed query, a bug) is logged by the HTTP handler;
    // its message (SQL, file paths) and stack are not for the browser, as on the REST routes.
    if (error.code === 'INTERNAL_SERVER_ERROR' && !(cause instanceof AppError)) {
      const { stack: _stack, ...data } = shape.data;
      return { ...shape, message: INTERNAL_MESSAGE, data: { ...data, zodError: null, appCode: null } };
    }
    return {
      ...shape,
      data: {
        ...shape.data,
        zodError: cause instanceof ZodError ? cause.flatten() : null,
        appCode: cause instanceof AppError ? cause.code : null,
      },
    };
  },
});

/** Translates service errors into tRPC errors with the mapped code. */
const translateErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    // A lost database connection is "try again later" (503), not an internal error.
    const cause = result.error.cause instanceof AppError ? result.error.cause : asUnavailable(result.error.cause);
    if (cause) throw new TRPCError({ code: trpcCodeOf[cause.code], message: cause.message, cause });
  }
  return result;
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure.use(translateErrors);

export const authedProcedure = publicProcedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'sign in first' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** Requires membership of `input.projectId`; adds the project and the caller's role to the context. */
export const projectProcedure = authedProcedure.input(ProjectId).use(async ({ ctx, input, next }) => {
  const access = await getProjectAccess(ctx.deps, ctx.user, input.projectId);
  return next({ ctx: { ...ctx, access } });
});
