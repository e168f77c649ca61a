import { TECHNOTE_LAYOUT } from "../sim";
import { adoptSuite } from "./support/adopt-suite";

adoptSuite("TechNote", TECHNOTE_LAYOUT);
