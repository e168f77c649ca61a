import { RICH_LAYOUT } from "../sim";
import { day2Suite } from "./support/day2-suite";

// The simulator's default: `xmpp` also prints the trust bundle and Clustered.
day2Suite("rich", RICH_LAYOUT);
