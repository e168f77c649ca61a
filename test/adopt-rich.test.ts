import { RICH_LAYOUT } from "../sim";
import { adoptSuite } from "./support/adopt-suite";

adoptSuite("rich", RICH_LAYOUT);
