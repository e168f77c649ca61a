import { createHash, timingSafeEqual } from "node:crypto";
import type { SimUser } from "../options";

const digest = (text: string): Buffer => createHash("sha256").update(text).digest();

/** Constant-time credential check. */
export function checkPassword(users: SimUser[], username: string, password: string): boolean {
  return users.some(
    (user) =>
      timingSafeEqual(digest(user.username), digest(username)) &&
      timingSafeEqual(digest(user.password), digest(password)),
  );
}
