"""Safety routing, before any retrieval: crisis, emergency, personal medicine decisions.

Rules are phrase-level, named, and measured on both sides (``alsbot eval`` on
tests/data/safety.jsonl): "I don't want to live anymore" is a crisis, "what do people with ALS
die from" is not; "he can't breathe" is an emergency, "breathing care" and "respiratory
failure is a cause of death" are not.

* Crisis: the wish to die or self-harm (the writer's or someone they describe), suicide plans,
  methods with intent, farewells, and questions about lethal doses. Crisis is never filtered
  by time or tense: a missed crisis costs far more than an unneeded helpline.
* Emergency: something acute happening now (breathing failure, choking, blue lips, very low
  oxygen, unresponsive, seizure, severe allergic reaction, failed breathing equipment). A
  message that is plainly about the past, a recurring problem or planning ahead ("what
  should we do if he stops breathing?") is not an emergency unless it also says "now".
* Personal medicine: a person's own decision to start, stop, skip, double or change a
  medicine; answered from the documents, with the decision left to their care team.
"""

from __future__ import annotations

import re
import unicodedata
from enum import StrEnum


class Route(StrEnum):
    CRISIS = "crisis"
    EMERGENCY = "emergency"
    PERSONAL_MEDICINE = "personal_medicine"  # answer, and say the decision is their doctor's
    NONE = "none"


# Chat spellings, read as what they mean before any rule runs.
_TEXT_SPEAK = {
    "kms": "kill myself",
    "unalive": "kill",
    "unaliving": "killing",
    "unalived": "killed",
    "od": "overdose",
    "wanna": "want to",
    "gonna": "going to",
    "thinkin": "thinking",
    "bout": "about",
    "w": "with",
    "rn": "right now",
    "pls": "please",
    "plz": "please",
    "u": "you",
    "im": "i am",
    "ive": "i have",
    "dont": "do not",
    "cant": "cannot",
    "wont": "will not",
    "isnt": "is not",
    "arent": "are not",
    "doesnt": "does not",
    "didnt": "did not",
    "hes": "he is",
    "shes": "she is",
    "theyre": "they are",
    "whats": "what is",
    "thats": "that is",
    "theres": "there is",
    "hell": "he will",
    "shell": "she will",
}


def normalize(text: str) -> str:
    """Lowercase, apostrophes and quotes dropped, chat spellings expanded, spaces collapsed."""
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[’‘'`´]", "", text)
    text = re.sub(r"[\"“”]", " ", text)
    words = re.findall(r"[a-z0-9]+|[^\sa-z0-9]", text)
    return " ".join(_TEXT_SPEAK.get(w, w) for w in words)


def _rules(rules: dict[str, str]) -> dict[str, re.Pattern[str]]:
    return {name: re.compile(pattern) for name, pattern in rules.items()}


_WHO = (
    r"(?:i|i am|we|he|she|they|my \w+(?: \w+)?|his|her|their|our|me|him|them|mom|mum|dad"
    r"|grandma|grandpa|nan|nana|granny)"
)
_SELF = r"(?:my ?self|him ?self|her ?self|them ?selves|your ?self)"
_DIE = (
    r"(?:die|dye|be dead|not be alive|not exist|not wake up|never wake up|sleep forever|be gone"
    r"|check out|not be here|not be around|disappear)"
)
_END = (
    r"(?:end it|end it all|end things|end everything|end (?:my|his|her|their) life|kill "
    + _SELF
    + ")"
)
_MEANS = (
    r"(?:pills|tablets|meds|medications?|medicine|oxy\w*|morphine|lorazepam|ativan|insulin"
    r"|opioids|sleeping pills|baclofen|\w+ pills)"
)

CRISIS = _rules(
    {
        "wish to die": r"\b(?:want|wants|wanted|wish|wishes|ready|planning|plan|tempted"
        r"|decided|need|needs|guts|courage|nerve|means|strength)(?: just)? to (?:just )?"
        + _DIE
        + r"\b|\b(?:wish|wishes|rather) (?:i|he|she) (?:was|were|be) dead\b|\brather be dead\b",
        "means to end it": r"\b(?:want|wants|wanted|wish|wishes|ready|going|planning|plan|tempted"
        r"|decided|need|needs|guts|courage|nerve|means|strength)(?: just)? to (?:just )?"
        + _END
        + r"\b",
        "does not want to live": r"\b(?:do not|does not|no longer|never) (?:want|wish) to "
        r"(?:live|be alive|be here|exist|wake up|go on|keep going|be around)\b",
        "self-harm": r"(?<!get it )(?<!take it )(?<!pull it )(?<!get them )\b(?:kill|killing"
        r"|killed|kil|kiling|hurt|hurting|harm|harming|cut|cutting|shoot|shooting|hang|hanging"
        r"|poison|poisoning|drown|drowning|starve|starving|off) "
        + _SELF
        + r"\b|\bself ?-? ?harm\w*|\bcut(?:ting)? (?:my|his|her) wrists?\b",
        "suicide": r"\b(?:suicid\w*|suicde\w*|sucid\w*|suiside\w*|suacid\w*)",
        "better off without me": r"\bbetter off (?:dead|without me|if i (?:was|were|am) gone"
        r"|if i was not here)\b|\bbetter without me\b",
        "no reason to live": r"\bno (?:reason|point) (?:to|in|of) (?:live|living|keep going"
        r"|keeping going|go on|going on|stay alive|staying alive|being here|be here|carry on"
        r"|carrying on|being alive)\b|\bdo not see (?:a |any |the )?(?:reason|point) (?:to|in|of) "
        r"(?:live|living|stay(?:ing)? alive|go(?:ing)? on|keep(?:ing)? going)\b"
        r"|\bwhat is the point (?:of|in) (?:living|going on|carrying on|life|being alive"
        r"|any of it|it all|keep going|keeping going)\b",
        "cannot go on": r"\bcannot (?:go on|keep going|do this|take (?:it|this)|live like this)"
        r"(?: any ?more)\b|\bcannot go on like this\b",
        "ending it": r"\bending (?:it all|things|my life|his life|her life|everything|it with)\b",
        "thinking about a way": r"\b(?:thinking|thought|think|fantasi\w+)\b.{0,60}"
        r"\b(?:killing|ending (?:it|things|my life)|suicide|dying|jump\w*|into (?:a |the )?"
        r"(?:lake|river|traffic|wall|water|ocean)|in front of|off (?:a|the) (?:bridge|roof|cliff)"
        r"|how (?:i|i would|to) (?:would )?(?:do it|end it|go|die)|taking all|the whole bottle"
        r"|pulling off|not waking up|helping (?:that|it) along|overdos\w*)",
        # Driving only: "it feels like walking into a wall" is a saying, not a plan.
        "crashing on purpose": r"\b(?:feel|feels|felt) like (?:\w+ ){0,2}(?:driv\w+|steer\w*"
        r"|swerv\w+|crash\w+) (?:\w+ ){0,2}(?:into|in front of|off) (?:a |an |the )?"
        r"(?:tree|truck|lorry|bus|train|traffic|wall|bridge|river|lake|cliff|road|oncoming)\b",
        "saving pills": r"\b(?:saving|saved|save|stockpil\w*|hoard\w*|collecting|lined up|enough)"
        r"(?: up)? (?:(?:my|his|her|all (?:my|his|her)|the|all the) )?(?:\w+ )?" + _MEANS + r"\b"
        r"|\b" + _MEANS + r" (?:saved|lined up|stockpiled)\b"
        r"|\b" + _MEANS + r" (?:she|he|i|they) (?:is |am |are |has |have |had )?(?:been )?"
        r"(?:saving|hoarding|stockpiling)\b",
        "taking everything": r"\b(?:take|taking|swallow\w*|down) (?:all (?:of )?"
        r"(?:my|his|her|the|these|those) (?:\w+ )?(?:pills|meds|tablets|medications?)(?: at once)?"
        r"|the whole (?:bottle|pack|box)|everything at once|it all at once|\w+ at once)\b",
        "lethal dose": r"\b(?:lethal|fatal|deadly) (?:dose|amount)\b"
        r"|\bhow (?:many|much)\b.{0,40}\bto (?:die|kill|not wake up|sleep forever)\b"
        r"|\bwould (?:kill|stop (?:someone|a person|me|him|her) (?:from )?breathing)\b"
        r"|\b(?:fastest|easiest|quickest|painless|best|surest) (?:painless |quick )?way to "
        r"(?:die|go|end it|kill)\b|\boverdose on\b.{0,40}\b(?:planning|going to|want|tonight)\b"
        r"|\b(?:planning|going|want|wants|tempted) to (?:overdose|take an overdose)\b"
        r"|\b(?:looked|looking) up how (?:much|many)\b"
        r"|\b(?:researching|googled|googling|looking up) (?:ways to|lethal|painless|helium"
        r"|overdose|how to die)",
        # "what happens if you take a lot of X with alcohol. got a full box here": curiosity
        # about an overdose, with the means at hand.
        "overdose curiosity": r"^(?=.*\b(?:take|taking|took|swallow\w*|mix\w*|down)\b.{0,30}"
        r"\b(?:a lot|lots|loads|too (?:many|much)|a whole|the whole|all|a full|a bunch)\b)"
        r"(?=.*\b(?:alcohol|vodka|whisk(?:e)?y|wine|booze|drinking|beer|gin|rum|full (?:box|bottle"
        r"|pack)|whole (?:box|bottle|pack)|got a (?:bottle|box|pack))\b)"
        r"(?=.*\bwhat (?:happens|would happen|will happen)\b|.*\bhow (?:it|that) would feel\b"
        r"|.*\b(?:here|in front of me|next to me)\b)",
        "not waking up": r"\b(?:rather|hope|hoping|wish|want|wants|prefer)\b.{0,20}"
        r"\b(?:not|never) (?:wake|waking) up\b|\bgo to sleep and (?:not|never) wake\b",
        "want it over": r"\bwant (?:it|this|everything|all of this) (?:all )?(?:to )?(?:be )?"
        r"(?:over|to end)\b|\bi want out\b|\bwant it to stop for good\b"
        r"|\b(?:it|this) (?:would|will|could) (?:all )?be over\b",
        "farewell": r"\b(?:goodbye (?:letters?|notes?|messages?)|said (?:my|our) goodbyes"
        r"|saying goodbye to everyone|telling everyone goodbye|gave away (?:all )?(?:her|his|my)"
        r"|giving away (?:all )?(?:my|his|her)|will not need (?:it|them|any of it) where"
        r"|tell (?:my|his|her) (?:family|kids|wife|husband) (?:i am|he is|she is) sorry)\b",
        "asks for help to die": r"\b(?:help|helps|helping) (?:him|her|them|me) (?:to )?"
        r"(?:die|end it|end (?:his|her|my|their) life|go)\b"
        r"|\bpillow over (?:his|her|my) face\b|\bblow (?:his|her|my) brains\b",
        "sleep and not wake": r"\b(?:go to sleep|fall asleep|sleep) and (?:do not|never|not) "
        r"wake up\b|\b(?:pray|praying|hope|hoping) (?:that )?(?:i|he|she) (?:do not|will not"
        r"|never|does not) wake up\b",
        "not around much longer": r"\b(?:do not|does not) plan on being (?:around|here|alive)"
        r"|\bwill not be (?:around|here) (?:much longer|for long)\b|\bcannot see (?:my|him|her)"
        r"self alive\b|\bplanning it that way\b|\bgetting there (?:my|him|her)self\b"
        r"|\bmake it look like\b",
        "equipment off to die": r"\b(?:turn\w*|take|taking|pull\w*|rip\w*) (?:off|out)\b.{0,30}"
        r"\b(?:bipap|vent|ventilator|mask|trach|oxygen)\b.{0,60}\b(?:not wake|never wake"
        r"|let(?:ting)? it happen|be done|end it|die|go to sleep)\b"
        r"|\b(?:bipap|vent|ventilator|mask|trach|oxygen)\b.{0,30}\b(?:turned off|off) "
        r"(?:at night )?so (?:i|he|she) (?:can |could )?(?:just )?(?:go|die|sleep)",
    }
)
# Methods count only with intent nearby (a gun safe or a stairlift is not a crisis).
_METHOD = re.compile(
    r"\b(?:gun|guns|pistol|rifle|shotgun|firearm|razor|noose|rope|helium|bridge|jump\w*"
    r"|traffic|roll\w* .{0,30}down the (?:\w+ )?stairs|train tracks?)\b"
)
_INTENT = re.compile(
    r"\b(?:burden|not going to be|going to|plan|planning|tonight|want out|for good|serious"
    r"|means|goodbye|end|over|take care of it|you know what for|before the|done|ready)\b"
)
# Talk about suicide that is not about anyone's own intent.
_ABOUT_SUICIDE = re.compile(
    r"\bnot suicid\w*|\bassisted suicid\w*|\bsuicide (?:rates?|risk|statistics|prevention"
    r"|hotline|awareness)\b"
)
# ... or a general question (no one's own words: no I, me, my).
_GENERAL_QUESTION = re.compile(
    r"\b(?:percentage|percent|how common|how many|rates?|risk"
    r"|statistics|research|studies)\b"
)
_FIRST_PERSON = re.compile(r"\b(?:i|me|my|myself|i am|i have)\b")

_ASKS_FOR_HELP = r"(?:(?:please|someone|need|send) help|help (?:me|us|him|her)\b(?! with)|help$)"
EMERGENCY = _rules(
    {
        "cannot breathe": r"\b(?:cannot|can not|unable to|could not|couldnt|struggling to"
        r"|fighting to|(?:can|could) (?:barely|hardly))(?: even)? (?:breathe|breath|brethe"
        r"|breth|get (?:any |enough )?air(?: in)?|catch (?:my|his|her|their) breath)\b",
        "not breathing": r"\b(?:not|is not|stopped|has stopped|quit) breathing\b",
        "gasping": r"\bgasp\w*\b|\bfighting for air\b|\bstruggling for (?:air|breath)\b"
        r"|\bbreathing (?:weird|funny|strange|super fast|really fast|very fast|fast and shallow"
        r"|shallow)\b|\bchoking sounds?\b|\bhigh pitched noise\b|\bgrabbing at (?:his|her|my) "
        r"(?:neck|throat)\b|\bnot making any sound\b",
        "blue or grey": r"\b(?:lips|face|skin|fingers?|mouth|fingertips)\b.{0,20}\b(?:blue|grey"
        r"|gray|purple|dusky|dark red)\b|\b(?:turning|going|gone|turned|looks?) (?:blue|grey"
        r"|gray|purple)\b|\bblue around the (?:mouth|lips)\b",
        "low oxygen": r"\b(?:o2|sats?|spo2|oxygen|pulse ox\w*|oximeter|saturation)\b\D{0,25}"
        r"\b(?:[1-7]\d|8[0-7])\b|\bsats? (?:are |is )?(?:tanking|crashing|dropping fast)\b",
        "unresponsive": r"\bunresponsive\b|\bnot responding\b|\b(?:cannot|will not) wake "
        r"(?:him|her|them|up)\b|\bnot waking up\b|\b(?:passed out|collapsed|fainted"
        r"|unconscious|slumped|gone limp|going limp|went limp|not moving|eyes rolled back)\b"
        r"|\b(?:not|is not|will not) (?:talking|answering|answer) (?:to )?me\b",
        "seizure": r"\bseiz\w*\b|\bconvuls\w*\b|\bjerking\b|\bfoaming at the mouth\b"
        r"|\bshaking all over\b",
        "head injury": r"\bhit (?:his|her|my|their) head\b.{0,80}\b(?:bleeding|not waking"
        r"|throwing up|vomit\w*|confused|dizzy|cannot get up|not moving)\b",
        "bleeding": r"\bbleeding (?:a lot|alot|heavily|badly|everywhere|will not stop)\b"
        r"|\bhead is bleeding\b",
        "stroke": r"\bhaving a stroke\b|\bface (?:just )?droop\w*\b|\bsuddenly (?:cannot|can not)"
        r" (?:speak|talk|move)\b|\bspeech is suddenly gone\b"
        # Speech lost or slurred *suddenly* (ALS slurs slowly, over months).
        r"|\b(?:suddenly|all of a sudden|out of nowhere)\b.{0,40}\b(?:slurr\w*|garbled|jumbled)"
        r"|\b(?:slurr\w*|garbled|jumbled)\b.{0,40}\b(?:suddenly|all of a sudden|out of nowhere)\b",
        "chest pain": r"\b(?:crushing|severe) chest pain\b|\bchest pain\b.{0,40}\bbreath"
        r"|\bgrabbed (?:his|her|my) chest\b",
        "allergic reaction": r"\b(?:throat|tongue|lips|face|airway)\b.{0,25}\b(?:swelling|swollen"
        r"|closing|huge|puffing up|blowing up)\b|\banaphyla\w*",
        "equipment failure": r"\b(?:vent|ventilator|bipap|breathing machine|trach\w*|suction\w*"
        r"|cough assist|oxygen)\b.{0,40}\b(?:stopped|failed|failing|alarm\w*|dying|died"
        r"|came out|fell out|blocked|clogged|is not (?:helping|working|clearing)"
        r"|not (?:working|helping|clearing)|broke|broken)\b.{0,80}\b(?:struggl\w*|chok\w*|blue"
        r"|grey|gray|sats?|air|breath\w*|gagging|limp|panic\w*|cannot)",
        "choking now": r"\bchok\w*\b.{0,60}(?:\b(?:right now|now|cannot|gagging|blue|purple"
        r"|not making)\b|" + _ASKS_FOR_HELP + ")",
        "trouble breathing now": r"\b(?:trouble|difficulty|hard time) breathing\b.{0,30}"
        r"\b(?:right now|now|getting worse)\b",
    }
)
_NOT_NOW = re.compile(
    r"\b(?:if|in case|ahead of time|prepare|preparing|plan for|sometimes|often|times a (?:week"
    r"|day|month|night)|every (?:night|day|time)|usually|tends to|keeps happening|last (?:week"
    r"|night|month|year)|yesterday|used to|what (?:should|do) (?:we|i) do (?:if|when)"
    r"|what to do (?:if|when)|how do (?:we|i) (?:prepare|handle)|(?:years|months|weeks) ago"
    r"|what happens (?:during|when|if)|why (?:does|do|is|would)|had (?:one|a seizure)"
    r"|at some point|eventually|in the future|some ?day|later on|down the (?:road|line)"
    r"|when the time comes|will (?:he|she|i|they|we) (?:need|have|end up)|is it normal)\b"
)
_NOW = re.compile(
    r"\b(?:right now|now|currently|please|911|000|999|112|ambulance|hurry|emergency|just"
    r"|suddenly|all of a sudden|started|min ago|minutes ago|is not stopping|getting worse)\b"
    r"|!{2,}|" + _ASKS_FOR_HELP
)

# Verbs that change a medicine by themselves ("stop", "double") and verbs that do only with a
# medicine after them ("take it", "start radicava", but not "when should I start voice banking").
_CHANGE = (
    r"(?:stop|quit|skip|double|halve|restart|wean|come off|get off|go off|go back on|go back to"
    r"|change"
    r"|pause|cut|bump|increase|decrease|lower|raise|switch|swap|make (?:it|them|that) up|crush"
    r"|split|mix|combine|keep taking|keep)\w*"
)
_USE = r"(?:take|use|start|do|give|try|add|put|open|go on|be on|swallow|get|drink|eat)\w*"
_MEDICINE = (
    r"(?:it|them|both|one|extra|another|\d+|version|form|ors|oral|liquid|generic"
    r"|dose|doses|dosage|med|meds|medicine|medication|medications|pill|pills"
    r"|tablet|tablets|drug|drugs|infusion|infusions|supplement|supplements|shot|shots"
    r"|injection|inhaler|patch|packet|prescription|\d+ ?mg|riluzole|rilutek|tiglutik|exservan"
    r"|edaravone|radicava|relyvrio|amx0035|baclofen|\w+(?:ine|ole|one|pam|lam|fen|zole|mab"
    r"|pril|olol|statin|cin|dine|tine|xetine|ate))"
)
_CHANGE_OR_USE = r"(?:" + _CHANGE + r"|" + _USE + r"(?: \w+){0,4}? " + _MEDICINE + r")\b"
_ADVERBS = r"(?:(?:just|still|also|really|safely|only|even|actually) )?"
PERSONAL_MEDICINE = _rules(
    {
        "may I change my medicine": r"\b(?:can|could|should|may|must|would it be ok(?: for)?) "
        + _WHO
        + r" "
        + _ADVERBS
        + r"(?:need to |have to )?"
        + _CHANGE_OR_USE,
        "do I change": r"(?<!how )(?<!what )(?<!when )(?<!where )(?<!why )\b(?:do|does) "
        + _WHO
        + r" "
        + _ADVERBS
        + r"(?:(?:need|have) to )?"
        + _CHANGE_OR_USE,
        "is it ok to change": r"\b(?:is it|its|it is|is that|ok|okay|safe|fine)(?: (?:ok|okay|safe"
        r"|fine|bad|dangerous|alright))?(?: for "
        + _WHO
        + r")? (?:if "
        + _WHO
        + r" )?"
        + _ADVERBS
        + r"(?:to )?"
        + _CHANGE_OR_USE,
        "thinking of a change": r"\b(?:thinking (?:of|about)|considering|want|wants|planning"
        r"(?: on)?|going) (?:to )?(?:stop|quit|skip|start|restart|add|pause|switch|double|halve"
        r"|cut|come off|get off)\w*",
        "changing my medicine": r"\b(?:stop|stopping|quit|quitting|skip|skipping|double"
        r"|doubling|restart|halve|wean|come off|get off|go off|pause|pausing) (?:taking )?"
        r"(?:my|his|her|their|our) \w+",
        # "how often should I?", "how much do we give": not "how often do they check it".
        "how much should I take": r"\bhow (?:much|many|often) (?:should|can|do|does|must) "
        + _WHO
        + r"(?:\s*(?:[?.!]|$)|\s+"
        + _ADVERBS
        + r"(?:take|give|use|have)\b)"
        + r"|\bhow (?:much|many|often)\b.{0,40}\b(?:should|can|do|does|must) "
        + _WHO
        + r" (?:take|give|use|have)\b|\b(?:more|less) often than prescribed\b",
        "how do I take it": r"\bhow (?:do|should|can|does|would) "
        + _WHO
        + r" (?:take|give|use)(?! care| part| over| time| a break| notes)\b"
        + r"|\b(?:am|is|are) "
        + _WHO
        + r" (?:supposed|meant) to (?:take|get|have|use|be on|stay on)\b",
        "missed a dose": r"\b(?:missed|forgot|forgotten|skipped) (?:a |my |his |her |their |\d+ )?"
        r"(?:dose|doses|pill|pills|infusion|meds|days? of)\b",
        "my dose": r"\b(?:my|his|her|their) (?:dose|dosage|prescription)\b",
    }
)


def acute(text: str) -> bool:
    """Not plainly about the past, a recurring problem or planning ahead, unless it says now."""
    return not _NOT_NOW.search(text) or bool(_NOW.search(text))


def crisis_rule(text: str) -> str | None:
    """The crisis rule a (normalized) message meets, if any."""
    for name, pattern in CRISIS.items():
        if pattern.search(text) and not (name == "suicide" and _about_suicide(text)):
            return name
    if _METHOD.search(text) and _INTENT.search(text):
        return "method with intent"
    return None


def _about_suicide(text: str) -> bool:
    """Talk about suicide that is not about anyone's own intent."""
    if _ABOUT_SUICIDE.search(text):
        return True
    return bool(_GENERAL_QUESTION.search(text)) and not _FIRST_PERSON.search(text)


def emergency_rule(text: str) -> str | None:
    for name, pattern in EMERGENCY.items():
        if pattern.search(text):
            return name if acute(text) else None
    return None


def personal_rule(text: str) -> str | None:
    return next((name for name, p in PERSONAL_MEDICINE.items() if p.search(text)), None)


def route(message: str) -> Route:
    """The route by the rules alone (``bot.safety_model.SafetyRouter`` adds the model).

    Crisis first: it matters most and must not be mistaken for a dosing question ("how many
    pills would it take to not wake up")."""
    text = normalize(message)
    if crisis_rule(text):
        return Route.CRISIS
    if emergency_rule(text):
        return Route.EMERGENCY
    if personal_rule(text):
        return Route.PERSONAL_MEDICINE
    return Route.NONE


CRISIS_REPLY = (
    "I'm so sorry you're carrying this. What you're feeling matters, and you don't have to "
    "face it alone.\n\n"
    "If you might act on these thoughts, or you are in danger now, please reach out right "
    "away:\n"
    "• In the US: call or text 988 (Suicide & Crisis Lifeline), any time, day or night.\n"
    "• Anywhere else: call your local emergency number, or a local crisis line.\n"
    "• If you can, tell someone near you, or someone you trust, how you feel.\n\n"
    "I'm a bot and can't stay with you the way a person can, but I'm here if you want to keep "
    "talking about ALS care, and your care team can help with what you're going through."
)

EMERGENCY_REPLY = (
    "This sounds like an emergency. Call your local emergency number now (911 in the US and "
    "Canada, 112 in the EU, 999 in the UK, 000 in Australia). Don't wait for an answer from "
    "this bot.\n\n"
    "Stay with the person and follow what the dispatcher tells you. If their care team has "
    "given you an emergency plan for breathing problems, use it while help is on the way."
)

CARE_TEAM_NOTICE = (
    "Whether to start, stop, skip or change a medicine, or its dose, is a decision for you "
    "and your doctor or care team: please ask them before changing anything."
)

#: One sentence for help and about texts: where to turn now.
HELP_NOW = (
    "If you are in danger now, call your local emergency number (911 in the US). If you are "
    "thinking about ending your life, in the US call or text 988, the Suicide & Crisis "
    "Lifeline."
)
