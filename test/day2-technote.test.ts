import { TECHNOTE_LAYOUT } from "../sim";
import { day2Suite } from "./support/day2-suite";

// Only what the TechNote prints, and the harsher alternative of every other [I] behaviour.
day2Suite("TechNote", { ...TECHNOTE_LAYOUT, clusterRemoveDropsAllEntries: false, trustChangeNeedsRestart: true });
