/**
 * USPS state and territory codes. Storefronts send "Illinois", "IL" or "il"; ServiceTitan stores
 * whatever it was given, so both sides are folded to the code before comparing.
 */
const stateCodesByName = {
  alabama: "AL",
  alaska: "AK",
  arizona: "AZ",
  arkansas: "AR",
  california: "CA",
  colorado: "CO",
  connecticut: "CT",
  delaware: "DE",
  "district of columbia": "DC",
  florida: "FL",
  georgia: "GA",
  hawaii: "HI",
  idaho: "ID",
  illinois: "IL",
  indiana: "IN",
  iowa: "IA",
  kansas: "KS",
  kentucky: "KY",
  louisiana: "LA",
  maine: "ME",
  maryland: "MD",
  massachusetts: "MA",
  michigan: "MI",
  minnesota: "MN",
  mississippi: "MS",
  missouri: "MO",
  montana: "MT",
  nebraska: "NE",
  nevada: "NV",
  "new hampshire": "NH",
  "new jersey": "NJ",
  "new mexico": "NM",
  "new york": "NY",
  "north carolina": "NC",
  "north dakota": "ND",
  ohio: "OH",
  oklahoma: "OK",
  oregon: "OR",
  pennsylvania: "PA",
  "rhode island": "RI",
  "south carolina": "SC",
  "south dakota": "SD",
  tennessee: "TN",
  texas: "TX",
  utah: "UT",
  vermont: "VT",
  virginia: "VA",
  washington: "WA",
  "west virginia": "WV",
  wisconsin: "WI",
  wyoming: "WY",
  "american samoa": "AS",
  guam: "GU",
  "northern mariana islands": "MP",
  "puerto rico": "PR",
  "us virgin islands": "VI",
  "virgin islands": "VI",
  "armed forces americas": "AA",
  "armed forces europe": "AE",
  "armed forces pacific": "AP",
} as const satisfies Record<string, string>;

const stateCodes: ReadonlySet<string> = new Set(Object.values(stateCodesByName));
const codesByName: ReadonlyMap<string, string> = new Map(Object.entries(stateCodesByName));

/** "Illinois", "illinois", "IL", " il " → "IL"; anything else → undefined. */
export function toStateCode(value: string): string | undefined {
  const folded = value
    .trim()
    .toLowerCase()
    .replace(/[.\s]+/g, " ")
    .trim();
  const upper = folded.toUpperCase();
  if (upper.length === 2 && stateCodes.has(upper)) return upper;
  return codesByName.get(folded);
}
