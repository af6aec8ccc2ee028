"""The words speaker attribution reads: verbs of saying, titles, and the nouns that name someone who speaks.

Kept apart from the rules in ``speakers.py`` so each list can be read, and extended, on its own.
"""

# Verbs that report speech (or a stated belief) whatever follows them.
SAYING = (
    "said says say told stated states warned warns warn argued argues argue insisted insists insist "
    "admitted admits admit alleged alleges allege believes believe thinks think stressed stresses urged urges "
    "explained explains denied denies deny confirmed confirms acknowledged acknowledges suggested predicted "
    "predicts demanded demands complained complains declared declares wrote writes "
    "remarked commented emphasised emphasized emphasises emphasizes maintained maintains accused accuses "
    "criticised criticized criticises criticizes condemned condemns praised praises likened recalled vowed "
    "pledged promised cautioned countered replied responded boasted joked echoed blamed blames blame "
    "revealed reveals announced announces noted expects expect expected disputed estimates estimated forecast "
    "forecasts whispered shouted "
    # The other forms of the verbs above, where they cannot be read as a noun ("promises", "notes").
    "believed suggests recalls vows pledges replies responds stress criticise criticize complain explain "
    "confirm reveal announce acknowledge disputes echoes likens boasts jokes cautions"
).split()
# "added 146,000 jobs", "added only 2%", "added to the pressure": not speech.
NOT_AN_AMOUNT = (
    r"(?!\s+(?:[\d$£€]|(?:to|only|just|about|around|some|nearly|almost|more|another|a|an)\b))"
)
_AFTER_DOCUMENT = "|".join(
    f"(?<={noun} {{verb}})"
    for noun in ("survey", "study", "report", "poll", "research", "review", "audit")
)
_DISMISSED = (
    r"(?=\s+(?:\S+\s+){0,3}(?:claims?|suggestions?|reports?|criticism|calls?|questions?|allegations?|"
    r"fears?|concerns?|speculation|idea|attack|talk|accusations?|charges?)\b|\s+as\b)"
)
# Verbs that report speech only with some words after them: "added that", not "added 20 points"; "claimed
# that", not "claimed a draw"; "agreed that", not "agreed a deal"; "found that", not "found the keys".
GUARDED = {
    "added": NOT_AN_AMOUNT,
    "adds": NOT_AN_AMOUNT,
    "claimed": r"(?!\s+(?:a|an|the|his|her|their|its|victory|\d)\b)",
    "claims": r"(?!\s+(?:a|an|the|his|her|their|its|victory|\d)\b)",
    "claim": r"(?!\s+(?:a|an|the|his|her|their|its|victory|\d)\b)",
    "reported": r"(?!\s+(?:missing|to)\b)",
    "reports": r"(?=\s+that\b)",
    "agreed": r"(?=\s+(?:that|with)\b|\s*[,.:]|$)",
    "agrees": r"(?=\s+(?:that|with)\b|\s*[,.:]|$)",
    "agree": r"(?=\s+that\b|\s*[,.:]|$)",
    "asked": r"(?=\s+(?:whether|if|why|what|how|who)\b|\s*[,:]|\s+Q)",
    "asks": r"(?=\s+(?:whether|if|why|what|how|who)\b|\s*[,:]|\s+Q)",
    # "The survey found exports had picked up", "…, the survey found.": a document's finding is a claim;
    # "Police found the car" is not.
    "found": r"(?=\s+that\b|\s*[,.]|$)|" + _AFTER_DOCUMENT.format(verb="found"),
    "finds": r"(?=\s+that\b|\s*[,.]|$)|" + _AFTER_DOCUMENT.format(verb="finds"),
    "dismissed": _DISMISSED,
    "dismisses": _DISMISSED,
    "spoke": r"(?=\s+(?:of|about)\b)",
    "appealed": r"(?=\s+for\b)",
    "described": r"(?=.*\bas\b)",
    "describes": r"(?=.*\bas\b)",
    "written": r"(?=\s+to\b)",
    "hit": r"(?=\s+out\b)",
    "pointed": r"(?=\s+(?:out|to)\b)",
    "played": r"(?=\s+down\b)",
    "read": r"(?=\s+(?:a|the)\s+statement\b)",
    "tells": r"(?!\s+(?:the|a|an|its)\s+(?:\w+\s+)?(?:story|tale)\b)",  # not "the musical tells the story of"
    "conceded": r"(?=\s+that\b|\s*[,.:]|\s+Q|\s+(?:he|she|it|they|there)\b)",
    "concedes": r"(?=\s+that\b|\s*[,.:]|\s+Q|\s+(?:he|she|it|they|there)\b)",
    "expressed": r"(?=\s+(?:hope|concern|doubts?|confidence|regret|fears?|surprise|disappointment)\b)",
}

TITLES = frozenset(
    "Mr Mr. Mrs Mrs. Ms Ms. Miss Dr Dr. Sir Lord Lady Baroness Dame Prof Prof. Professor President Chancellor "
    "Senator Sen. Governor Gov. Mayor Judge Rep. Rev. Reverend Minister Prime First Secretary Former former "
    "King Queen Prince Princess Pope General Gen. Captain Capt. Sergeant Inspector Detective Chief "
    "MP MEP MSP AM QC".split()
)
FEMALE = frozenset(
    "ms mrs miss lady baroness dame queen princess spokeswoman chairwoman businesswoman actress woman "
    "wife mother daughter sister".split()
)
MALE = frozenset(
    "mr lord sir king prince pope spokesman chairman businessman actor man husband father son brother".split()
)
# Lower-case heads that name someone who can speak.
PERSON_NOUNS = frozenset(
    """
    spokesman spokeswoman spokesperson official minister secretary leader chief executive economist analyst
    director chairman chairwoman president manager coach correspondent editor reporter source aide adviser
    advisor expert author lawyer judge prosecutor professor doctor scientist researcher commissioner governor
    mayor senator boss head founder owner star singer actor actress player captain striker officer detective
    inspector sergeant chancellor strategist campaigner critic spokespeople representative negotiator
    general
    """.split()
)
GROUP_NOUNS = frozenset(
    """
    analysts officials ministers experts economists critics campaigners researchers scientists doctors lawyers
    prosecutors police aides sources investors lenders retailers unions companies firms banks observers
    residents witnesses voters authorities leaders members executives officers players fans managers men women
    parties backers manufacturers insurers brokers regulators traders dealers figures statistics estimates
    organisers organizers teachers producers bosses staff reports studies surveys polls
    delegates activists supporters protesters
    """.split()
)
ORGANISATION_NOUNS = frozenset(
    """
    firm company government ministry department office commission committee council court bank group union
    association body organisation organization agency authority institute party executive statement report
    survey study poll research website newspaper paper magazine lab board club team regulator watchdog
    panel inquiry review network service industry consortium federation forum society museum university
    broadcaster studio channel station
    """.split()
)
ORGANISATION_WORDS = frozenset(
    """
    Association Council Office Executive Commission Department Ministry Party Bank Group Inc Ltd Plc plc
    Corporation Corp Society Forum Agency Authority Police Institute Board Union Organisation Organization
    Government Times News Research Committee Court Federation League Club Lab Labs Service Securities
    Consortium Fund Exchange Parliament Treasury Centre Center University Agency Airlines Motors Telegraph
    Post Journal Herald Guardian Mail Express Institution Network Networks Systems Industries Holdings Foundation
    Trust Congress Senate Senators Republicans Democrats Conservatives Tories Labour
    """.split()
)
NOUNS = PERSON_NOUNS | GROUP_NOUNS | ORGANISATION_NOUNS
# Capitalised words that open a sentence without being anyone's name.
NOT_NAMES = frozenset(
    """
    The A An In On At As By For From With Without During After Before But And Or So Yet If When While Although
    This That These Those It Its There Here However Despite Meanwhile Speaking Having Leading Growing Overall
    Earlier Later Instead Still Now Then Also Indeed Similarly Since Last Next Recently Asked Writing Such
    Some Many Other Both All Most Several His Her Their Our My Your We I You He She They Q Yes No Not Only Even
    Under Over Into Unlike Like Following Among Between Until Once Every Each Further Today
    Yesterday Tomorrow Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April
    May June July August September October November December What Why How Who Where Whether Mind
    """.split()
)
# Words that open a sentence with a phrase before its subject: "However, he said", "At the same time, the BBA
# said".
OPENERS = frozenset(
    """
    However But And Yet So Meanwhile Overall Earlier Later Instead Still Now Then Also Indeed Similarly Despite
    After Before In On At Since While Although When Speaking Writing Asked Last Recently During Following Under
    Unlike For With From By As If Until Once Today Yesterday Separately Elsewhere Nevertheless Apparently
    """.split()
)
DETERMINERS = frozenset(
    "the a an its his her their some many other both all several one two three four five our this that".split()
)
NOT_HEADS = frozenset(
    """
    year years week weeks month months day days time times morning evening night way end start part number
    lot one it which who that this there
    """.split()
)
CONNECTORS = frozenset({"of", "for", "and", "&", "on", "de", "van", "von", "der", "du", "la", "le"})
PRONOUNS = frozenset({"he", "she", "it", "they"})
