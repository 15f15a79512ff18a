import { router, publicProcedure, authedProcedure } from '../trpc.ts';
import { LogInInput, SignUpInput } from './auth.schema.ts';
import { createSession, endSession, logIn, signUp } from './auth.service.ts';
import { acceptInvite, checkInviteFor } from '../projects/members.service.ts';

export const authRouter = router({
  me: publicProcedure.query(({ ctx }) => ctx.user ?? null),

  signUp: publicProcedure.input(SignUpInput).mutation(async ({ ctx, input }) => {
    // An invite that cannot be accepted fails the sign-up before any account exists.
    if (input.inviteToken) await checkInviteFor(ctx.deps, input.inviteToken, input.email);
    const user = await signUp(ctx.deps, input);
    const session = await createSession(ctx.deps, user.id);
    ctx.cookies.setSession(session.token, session.expiresAt);
    const joined = input.inviteToken ? await acceptInvite(ctx.deps, user, input.inviteToken) : undefined;
    return { user, joinedProjectId: joined?.projectId ?? null };
  }),

  logIn: publicProcedure.input(LogInInput).mutation(async ({ ctx, input }) => {
    const user = await logIn(ctx.deps, input, ctx.clientKey);
    // A new token on every log-in: a session id planted before log-in is never promoted (fixation).
    await endSession(ctx.deps, ctx.sessionToken);
    const session = await createSession(ctx.deps, user.id);
    ctx.cookies.setSession(session.token, session.expiresAt);
    return user;
  }),

  logOut: authedProcedure.mutation(async ({ ctx }) => {
    await endSession(ctx.deps, ctx.sessionToken);
    ctx.cookies.clearSession();
    return { ok: true };
  }),
});
