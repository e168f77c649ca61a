import type { CommandHandler } from "./command-context";
import { mmpDate } from "./format";

const SIX_MONTHS_MS = 182 * 86_400_000;

/** `user list`, in the columns of the real output. */
export const userCommand: CommandHandler = ({ node, args, io }) => {
  if (args[0] !== "list" || args.length > 1) return io.error("Usage:\nuser list");
  const loggedIn = node.loggedInUsers();
  const defaultExpiry = mmpDate(new Date(Date.now() + SIX_MONTHS_MS));
  const rows = [
    ["USERNAME", "ROLE", "PASSWORD EXPIRY", "LOGGED IN"],
    ...node.users.map((user) => [
      user.username,
      "admin",
      user.passwordExpiry ? mmpDate(user.passwordExpiry) : defaultExpiry,
      loggedIn.has(user.username) ? "yes" : "no",
    ]),
  ];
  const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column].length)));
  io.print(
    rows
      .map((row) =>
        row
          .map((cell, column) => cell.padEnd(widths[column]))
          .join(" ")
          .trimEnd(),
      )
      .join("\n"),
  );
};

export const versionCommand: CommandHandler = ({ node, args, io }) => {
  if (args.length > 0) return io.error("Usage:\nversion");
  io.print(node.version);
};
