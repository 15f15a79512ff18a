import { z } from 'zod';
import { storableText } from '../storable-text.ts';

export const Email = z.string().trim().toLowerCase().email('enter a valid email address').max(254);
export const Password = z.string().min(8, 'password must be at least 8 characters').max(256);

export const SignUpInput = z.object({
  email: Email,
  name: storableText('your name').trim().min(1, 'enter your name').max(100),
  password: Password,
  inviteToken: z.string().max(200).optional(),
});
export type SignUpInput = z.infer<typeof SignUpInput>;

export const LogInInput = z.object({ email: Email, password: z.string().min(1).max(256) });
export type LogInInput = z.infer<typeof LogInInput>;
